"""Hostile and malformed input: bad JSON, wrong types, bad UTF-8, oversize and
chunked bodies, huge `where` in the request line, unknown routes and methods."""

import json
import urllib.parse

from harness import ServerTestCase, main, members_path

MIB = 1 << 20


class MalformedInputTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.api.new_user("lim")
        cls.org = cls.api.new_org(cls.owner)["OrganizationID"]
        cls.path = members_path(cls.org)

    def post_raw(self, data, ctype="application/json"):
        headers = {"Content-Type": ctype} if ctype else {}
        return self.request("POST", self.path, self.owner.token, raw_body=data, headers=headers)

    def member_ids(self):
        items, _ = self.api.walk(self.path, self.owner.token)
        return {m["OrganizationMemberID"] for m in items}

    def setUp(self):
        self.before = self.member_ids()

    def assertNothingWritten(self):
        self.assertEqual(self.member_ids(), self.before,
                         "a refused request left a membership behind")

    def test_malformed_json_is_400(self):
        for data in (b'{"Email": ', b'{"Email": "a@b.test",}', b"", b"{", b"nul",
                     b'{"Email": "a@b.test"} trailing', b"{'Email': 'a@b.test'}",
                     b'{"Email": "a@b.test" "Role": "ADMIN"}', b'{"Email": "\x01@b.test"}'):
            with self.subTest(data=data):
                self.assertError(self.post_raw(data), 400)
        self.assertNothingWritten()

    def test_body_not_an_object_is_400(self):
        for value in ([], ["Email"], "a@b.test", 1, True, None):
            with self.subTest(value=value):
                self.assertError(self.post_raw(json.dumps(value).encode()), 400)

    def test_wrong_types_are_400_naming_the_field(self):
        base = {"Email": "t@example.test"}
        for field, value in [("Email", None), ("Email", 12), ("Role", ["ADMIN"]),
                             ("Labels", "a=b"), ("Labels", {"a": ["b"]}), ("RoleIDs", [1]),
                             ("RoleIDs", {"a": "b"}), ("RequiredSSOAuth", 0),
                             ("RequiredMFAAuth", "false")]:
            with self.subTest(field=field, value=value):
                body = dict(base, **{field: value})
                self.assertError(self.post_raw(json.dumps(body).encode()), 400, field)
        self.assertNothingWritten()

    def test_bad_utf8_is_400(self):
        for bad in (b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"):
            with self.subTest(bytes=bad):
                data = b'{"Email": "x' + bad + b'@example.test"}'
                self.assertError(self.post_raw(data), 400)
            with self.subTest(bytes=bad, where="label"):
                data = b'{"Email": "y@example.test", "Labels": {"k": "' + bad + b'"}}'
                self.assertError(self.post_raw(data), 400)
        self.assertNothingWritten()

    def test_lone_surrogate_escape_is_400(self):
        data = b'{"Email": "z@example.test", "Labels": {"k": "\\ud800"}}'
        self.assertError(self.post_raw(data), 400)
        self.assertNothingWritten()

    def test_json_charset_is_accepted(self):
        resp = self.post_raw(b'{"Email": "charset@example.test"}', "application/json; charset=utf-8")
        self.assertStatus(resp, 201)
        self.request("DELETE", self.path + "/" + resp.body["OrganizationMemberID"], self.owner.token)

    def test_not_json_is_415(self):
        for ctype in ("text/plain", "application/xml", "multipart/form-data; boundary=x", None):
            with self.subTest(content_type=ctype):
                self.assertError(self.post_raw(b'{"Email": "ct@example.test"}', ctype), 415)
        self.assertNothingWritten()

    def raw_post(self, body_bytes, extra_headers=b"", half_close=False):
        head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nConnection: close\r\n"
                % (self.path, self.owner.token)).encode()
        return self.client.raw(head + extra_headers + b"\r\n" + body_bytes, half_close=half_close)

    def test_oversize_body_is_413(self):
        body = json.dumps({"Email": "big@example.test",
                           "Labels": {"k": "x" * (MIB + 16)}}).encode()
        resp = self.raw_post(body, b"Content-Length: %d\r\n" % len(body))
        self.assertEqual(resp.status, 413, resp)
        self.assertEqual(resp.body.get("Code"), "413")
        self.assertTrue(resp.headers.get("x-request-id"))
        self.assertNothingWritten()

    def test_body_of_almost_1_mib_is_fine(self):
        body = json.dumps({"Email": "almost@example.test",
                           "Labels": {"k": "x" * (MIB - 1024)}}).encode()
        self.assertLessEqual(len(body), MIB)
        resp = self.raw_post(body, b"Content-Length: %d\r\n" % len(body))
        self.assertEqual(resp.status, 201, resp.status)
        self.request("DELETE", self.path + "/" + resp.body["OrganizationMemberID"], self.owner.token)

    def test_oversize_content_length_is_413_before_the_body(self):
        resp = self.raw_post(b"{}", b"Content-Length: %d\r\n" % (64 * MIB))
        self.assertEqual(resp.status, 413, resp)

    def test_chunked_body_is_411(self):
        payload = b'{"Email": "chunked@example.test"}'
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
        resp = self.raw_post(chunked, b"Transfer-Encoding: chunked\r\n")
        self.assertEqual(resp.status, 411, resp)
        self.assertNothingWritten()

    def test_a_client_that_half_closes_after_its_request_gets_the_answer(self):
        payload = b'{"Email": "half@example.test"}'
        cases = [(b"", b"Content-Length: %d\r\n" % (64 * MIB), 413),
                 (b"0\r\n\r\n", b"Transfer-Encoding: chunked\r\n", 411),
                 (payload, b"Content-Length: %d\r\n" % len(payload), 201)]
        for body, headers, status in cases:
            for attempt in range(10):
                with self.subTest(status=status, attempt=attempt):
                    resp = self.raw_post(body, headers, half_close=True)
                    self.assertEqual(resp.status, status, resp)
                    if status == 201:
                        self.request("DELETE", self.path + "/" +
                                     resp.body["OrganizationMemberID"], self.owner.token)

    def test_server_survives_a_truncated_body(self):
        resp = self.raw_post(b'{"Email": "tr', b"Content-Length: 100\r\n", half_close=True)
        # the client half-closed after 13 of 100 bytes: no 2xx and no write
        self.assertNotEqual(resp.status, 201)
        self.assertStatus(self.request("GET", "/healthz"), 200)
        self.assertNothingWritten()


class HugeWhereTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.api.new_user("huge")
        cls.org = cls.api.new_org(cls.owner)["OrganizationID"]
        cls.path = members_path(cls.org)

    def list_with(self, where):
        line = "GET %s?where=%s HTTP/1.1" % (self.path, urllib.parse.quote(where, safe=""))
        resp = self.request("GET", self.path, self.owner.token, query={"where": where})
        return resp, len(line)

    def padded(self, total, suffix=""):
        """A where of `total` bytes: a string literal of '%' (3 bytes percent-encoded)."""
        head = "Username = '"
        fill = total - len(head) - 1 - len(suffix)
        where = head + "%" * fill + "'" + suffix
        assert len(where.encode()) == total
        return where

    def test_maximal_where_is_accepted(self):
        resp, line = self.list_with(self.padded(8192))
        self.assertGreater(line, 24 * 1024)
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["Items"], [])

    def test_maximal_multibyte_where_is_accepted(self):
        where = "Username = '" + "é" * 4089 + "x'"
        self.assertEqual(len(where.encode()), 8192)
        resp, _ = self.list_with(where)
        self.assertStatus(resp, 200)

    def test_error_at_the_end_of_a_maximal_where_has_its_column(self):
        where = self.padded(8192, " AND Bogus = 1")
        resp, _ = self.list_with(where)
        self.assertError(resp, 400, "column %d" % (where.index("Bogus") + 1))

    def test_too_long_where_reaches_the_compiler(self):
        resp, line = self.list_with(self.padded(10000))
        self.assertGreater(line, 29 * 1024)
        self.assertLess(line, 32 * 1024)
        self.assertError(resp, 400)

    def test_deep_nesting_and_many_terms_are_400(self):
        for where in ("(" * 40 + "Role = 'OWNER'" + ")" * 40,
                      "NOT " * 40 + "Role = 'OWNER'",
                      " OR ".join(["Role = 'OWNER'"] * 101),
                      "Username IN (%s)" % ",".join("'u%d'" % i for i in range(1001))):
            with self.subTest(where=where[:40]):
                self.assertError(self.list_with(where)[0], 400)

    def test_control_characters_in_where_are_400(self):
        for where in ("Username = 'a\x01b'", "Username = 'a\x7fb'", "Role = 'OWNER' \x00"):
            with self.subTest(where=repr(where)):
                self.assertError(self.list_with(where)[0], 400)

    def test_bad_utf8_in_where_is_400(self):
        query = "where=" + "Username%20%3D%20%27%FF%27"
        resp = self.request("GET", self.path + "?" + query, self.owner.token)
        self.assertError(resp, 400)


class RoutingTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls.api.new_user("route")

    def test_unknown_route_is_404(self):
        for path in ("/nope", "/organization/x/y/z/w", "/me/nothing"):
            with self.subTest(path=path):
                self.assertError(self.request("GET", path, self.user.token), 404)

    def test_wrong_method_is_405(self):
        for method, path in (("DELETE", "/healthz"), ("POST", "/metrics"), ("PUT", "/me"),
                             ("DELETE", "/organization"), ("PUT", "/me/memberships"),
                             ("PATCH", "/user")):
            with self.subTest(method=method, path=path):
                resp = self.request(method, path, self.user.token)
                self.assertError(resp, 405)


if __name__ == "__main__":
    main()
