"""Ops routes and X-Request-Id."""

import json
import time
import unittest

from harness import Client, Server, ServerTestCase, main, members_path, unique


class OpsTest(ServerTestCase):

    def metric_values(self):
        """Every sample of /metrics: name with labels -> value."""
        body = self.request("GET", "/metrics").body
        return {name: float(value) for name, value in
                (line.rsplit(" ", 1) for line in body.splitlines() if line and line[0] != "#")}

    def test_healthz(self):
        resp = self.request("GET", "/healthz")
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body, {"Status": "ok"})

    def test_metrics(self):
        self.request("GET", "/healthz")
        resp = self.request("GET", "/metrics")
        self.assertStatus(resp, 200)
        self.assertTrue(resp.headers.get("Content-Type", "").startswith("text/plain"),
                        resp.headers.get("Content-Type"))
        self.assertIn("rollcall_http_requests_total", resp.body)
        for line in resp.body.splitlines():
            if line and not line.startswith("#"):
                name_and_labels, _, value = line.rpartition(" ")
                self.assertTrue(name_and_labels, line)
                float(value)  # every sample line ends in a number

    def test_metrics_count_requests(self):
        def total():
            body = self.request("GET", "/metrics").body
            return sum(float(line.rpartition(" ")[2]) for line in body.splitlines()
                       if line.startswith("rollcall_http_requests_total"))
        before = total()
        for _ in range(5):
            self.request("GET", "/healthz")
        self.assertGreaterEqual(total() - before, 5)

    def test_metrics_count_spaces_and_filters(self):
        def gauges():
            values = self.metric_values()
            return {name: values[name] for name in
                    ("rollcall_spaces", "rollcall_space_members", "rollcall_filters",
                     "rollcall_idempotent_answers")}
        before = gauges()
        o = self.api.space_with_roles()  # one space, three space memberships
        self.api.new_filter(o.id, o.owner.token, "Role = 'OWNER'")
        created = self.request("POST", "/organization", o.owner.token, {"DisplayName": "Keyed"},
                               headers={"Idempotency-Key": unique("gauge")})
        self.assertStatus(created, 201)
        after = gauges()
        self.assertEqual(after["rollcall_idempotent_answers"] -
                         before["rollcall_idempotent_answers"], 1)
        self.assertEqual(after["rollcall_spaces"] - before["rollcall_spaces"], 1)
        self.assertEqual(after["rollcall_space_members"] - before["rollcall_space_members"], 3)
        self.assertEqual(after["rollcall_filters"] - before["rollcall_filters"], 1)

    def test_metrics_show_the_connection_pool(self):
        values = self.metric_values()
        self.assertGreaterEqual(values["rollcall_http_connections_open"], 1)  # this request's
        self.assertGreaterEqual(values['rollcall_http_worker_threads{state="running"}'], 1)
        for state in ("blocked", "spare"):
            self.assertIn('rollcall_http_worker_threads{state="%s"}' % state, values)

    def test_openapi(self):
        resp = self.request("GET", "/openapi.json")
        self.assertStatus(resp, 200)
        doc = resp.body if isinstance(resp.body, dict) else json.loads(resp.body)
        self.assertEqual(doc.get("openapi"), "3.1.0")
        paths = doc.get("paths", {})
        for needle in ("/user", "/organization", "organization_member", "transfer_ownership",
                       "/me/memberships", "/healthz"):
            self.assertTrue(any(needle in p for p in paths), "openapi lacks %s" % needle)

    def test_request_id_on_every_response(self):
        user = self.api.new_user("rid")
        calls = [("GET", "/healthz", None), ("GET", "/metrics", None),
                 ("GET", "/openapi.json", None), ("GET", "/me", None),
                 ("GET", "/me", user.token), ("GET", "/nope", user.token),
                 ("DELETE", "/healthz", None), ("GET", "/me", self.admin),
                 ("GET", members_path("00000000-0000-4000-8000-000000000000"), user.token),
                 ("GET", "/organization?limit=0", user.token)]
        seen = set()
        for method, path, token in calls:
            with self.subTest(method=method, path=path):
                resp = self.request(method, path, token)
                rid = resp.headers.get("X-Request-Id")
                self.assertTrue(rid, "no X-Request-Id on %s %s -> %s" % (method, path, resp.status))
                self.assertNotIn(rid, seen, "request ids repeat")
                seen.add(rid)

    def test_request_id_on_raw_errors(self):
        resp = self.client.raw(b"POST /organization HTTP/1.1\r\nHost: x\r\nContent-Type: "
                               b"application/json\r\nTransfer-Encoding: chunked\r\n"
                               b"Connection: close\r\n\r\n0\r\n\r\n")
        self.assertTrue(resp.headers.get("x-request-id"), resp)

    def test_sane_request_id_is_echoed(self):
        for rid in ("abc-123", "f47ac10b-58cc-4372-a567-0e02b2c3d479", "req_42.x"):
            with self.subTest(rid=rid):
                resp = self.request("GET", "/healthz", headers={"X-Request-Id": rid})
                self.assertEqual(resp.headers.get("X-Request-Id"), rid)
                resp = self.request("GET", "/me", headers={"X-Request-Id": rid})
                self.assertEqual(resp.status, 401)
                self.assertEqual(resp.headers.get("X-Request-Id"), rid)

    def test_insane_request_id_is_replaced(self):
        for rid in ("x" * 5000,):
            with self.subTest(length=len(rid)):
                resp = self.request("GET", "/healthz", headers={"X-Request-Id": rid})
                self.assertStatus(resp, 200)
                got = resp.headers.get("X-Request-Id")
                self.assertTrue(got)
                self.assertNotEqual(got, rid)

    def test_errors_hide_internals(self):
        resp = self.request("GET", "/organization/%00%ff/organization_member", self.admin)
        self.assertIn(resp.status, (400, 404))
        self.assertError(resp, resp.status)


def printed_admin_token(server, timeout=30):
    """The admin token `--demo` prints after the port line."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in list(server.stdout_lines):
            if line.startswith("admin token: "):
                return line[len("admin token: "):]
        time.sleep(0.05)
    raise AssertionError("no admin token printed: %r" % server.stdout_lines)


class DemoAdminTokenTest(unittest.TestCase):
    """--demo without an admin token makes one as strong as a user's token."""

    def test_the_generated_admin_token_has_256_random_bits(self):
        tokens = []
        for _ in range(2):
            server = Server(admin_token=None, extra_args=["--demo"])
            self.addCleanup(server.cleanup)
            server.start()
            token = printed_admin_token(server)
            self.assertRegex(token, r"^admin-[0-9a-f]{64}$")
            users = Client(server).request("POST", "/user", token, {"Username": "x",
                                                                    "Email": "x@example.test"})
            self.assertEqual(users.status, 201, users.body)
            tokens.append(token)
            server.cleanup()
        self.assertNotEqual(tokens[0], tokens[1])


if __name__ == "__main__":
    main()
