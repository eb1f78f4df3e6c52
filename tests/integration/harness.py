"""Shared helpers of the HTTP integration tests.

A `Server` starts the real `rollcall serve` on 127.0.0.1 with an ephemeral port
and its own temporary data directory; `Client.request` sends one request and
answers (status, headers, body); `Api` builds users, organizations and
memberships through the public routes only; `ServerTestCase` gives every test
module one server for the whole class.

The binary comes from $ROLLCALL_BINARY, or from argv[1] when that names an
executable file (`python3 some_test.py /path/to/rollcall`).
"""

import datetime
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid
from collections import namedtuple

ADMIN_TOKEN = "it-admin-token-7f3c2d9e4b1a"
LISTEN_RE = re.compile(r"rollcall: listening on http://127\.0\.0\.1:(\d+)")
START_TIMEOUT = 30
STOP_TIMEOUT = 30
REQUEST_TIMEOUT = 30

# The fields a MEMBER may see of an OrganizationMember.
MEMBER_VISIBLE_FIELDS = frozenset([
    "OrganizationMemberID", "OrganizationID", "UserID", "Username", "DisplayName",
    "Slug", "ProfilePictureURL", "Role", "Status", "CreatedAt",
])


# The fields an organization MEMBER (space member or space admin alike) may see
# of a SpaceMember.
SPACE_MEMBER_VISIBLE_FIELDS = frozenset([
    "SpaceMemberID", "SpaceID", "OrganizationID", "OrganizationMemberID", "UserID",
    "Username", "DisplayName", "Admin", "CreatedAt",
])


def binary_path():
    path = os.environ.get("ROLLCALL_BINARY")
    if not path and len(sys.argv) > 1 and os.path.isfile(sys.argv[1]) \
            and os.access(sys.argv[1], os.X_OK):
        path = sys.argv[1]
    if not path:
        raise RuntimeError("set ROLLCALL_BINARY (or pass the binary as argv[1])")
    return os.path.abspath(path)


# --------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------

class Server:
    """One `rollcall serve` process on its own data directory.

    start() and stop() may be called repeatedly; the data directory survives
    until cleanup(). admin_token=None starts it with no admin token at all
    (neither --admin-token nor ROLLCALL_ADMIN_TOKEN)."""

    def __init__(self, admin_token=ADMIN_TOKEN, extra_args=()):
        self.admin_token = admin_token
        self.extra_args = list(extra_args)
        self.root = tempfile.mkdtemp(prefix="rollcall-it-")
        self.data_dir = os.path.join(self.root, "data")
        self.log_path = os.path.join(self.root, "server.log")
        self.proc = None
        self.port = None
        self.stdout_lines = []

    def start(self):
        assert self.proc is None, "already running"
        self.port = None
        self.stdout_lines = []
        log = open(self.log_path, "ab")
        cmd = [binary_path(), "serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:0"]
        env = dict(os.environ)
        env.pop("ROLLCALL_ADMIN_TOKEN", None)
        if self.admin_token is not None:
            cmd += ["--admin-token", self.admin_token]
        self.proc = subprocess.Popen(cmd + self.extra_args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=log, env=env)
        log.close()
        ready = threading.Event()

        def pump(proc=self.proc):
            for raw in proc.stdout:  # keeps draining after the port line
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                match = LISTEN_RE.search(line)
                if match and not ready.is_set():
                    self.port = int(match.group(1))
                    ready.set()
            proc.stdout.close()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(START_TIMEOUT) or self.port is None:
            self.kill()
            raise RuntimeError("rollcall did not announce its port; stdout=%r\nstderr:\n%s"
                               % (self.stdout_lines, self.log_tail()))
        return self

    def stop(self):
        """SIGTERM and wait; answers the exit code."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("rollcall did not exit within %ds of SIGTERM" % STOP_TIMEOUT)
        self.proc = None
        return code

    def restart(self):
        code = self.stop()
        self.start()
        return code

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def cleanup(self):
        """Stops the server (failing if it died on its own) and removes its files."""
        try:
            if self.proc is not None and self.proc.poll() is not None:
                code, self.proc = self.proc.returncode, None
                raise AssertionError("rollcall died during the tests (exit %s); stderr:\n%s"
                                     % (code, self.log_tail()))
            if self.proc is not None:
                code = self.stop()
                if code != 0:
                    raise AssertionError("rollcall exited %s after SIGTERM; stderr:\n%s"
                                         % (code, self.log_tail()))
        finally:
            self.kill()
            if os.environ.get("ROLLCALL_IT_KEEP"):
                sys.stderr.write("kept %s\n" % self.root)
            else:
                shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, limit=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-limit:].decode("utf-8", "replace")
        except OSError:
            return ""


# --------------------------------------------------------------------------
# HTTP client
# --------------------------------------------------------------------------

Response = namedtuple("Response", "status headers body")


def parse_body(content_type, data):
    text = data.decode("utf-8", "replace")
    if "json" in (content_type or "") and "ndjson" not in content_type and data:
        try:
            return json.loads(data.decode("utf-8"))
        except ValueError:
            return text
    return text


def with_query(path, query):
    if not query:
        return path
    return path + ("&" if "?" in path else "?") + urllib.parse.urlencode(
        query, quote_via=urllib.parse.quote, safe="")


class Client:
    def __init__(self, server):
        self.server = server

    def request(self, method, path, token=None, body=None, headers=None,
                query=None, raw_body=None):
        """One request on a fresh connection.

        body: a JSON value, sent as application/json; raw_body: bytes as they
        are (Content-Type only when given in headers)."""
        hdrs = {}
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        elif raw_body is not None:
            data = raw_body
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                          timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, with_query(path, query), body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            return Response(resp.status, resp.headers,
                            parse_body(resp.headers.get("Content-Type"), payload))
        finally:
            conn.close()

    def raw(self, data, read_timeout=REQUEST_TIMEOUT, half_close=False):
        """Sends bytes on a socket and answers (status, headers, body) of the
        first response. Tolerates the server closing before all was sent.
        `half_close` shuts the sending side after the request (only for a
        request the server could otherwise wait on: the server may then drop
        its answer, so only tolerant checks use it)."""
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=read_timeout)
        try:
            try:
                sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer early (413) and close
            try:
                if half_close:
                    sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            chunks = []
            while True:
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return parse_raw_response(b"".join(chunks))
        finally:
            sock.close()


def parse_raw_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/"):
        return Response(None, {}, data)
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    if length is not None:
        body = body[:int(length)]
    return Response(status, headers, parse_body(headers.get("content-type"), body))


_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?"
                      r"(Z|[+-]\d{2}:\d{2})?$")


def instant(text):
    """An RFC 3339 time as a sortable (UTC datetime, nanoseconds) pair."""
    match = _TIME_RE.match(text)
    if not match:
        raise ValueError("not an RFC 3339 time: %r" % (text,))
    date, clock, frac, zone = match.groups()
    zone = "+00:00" if zone in (None, "Z") else zone
    moment = datetime.datetime.fromisoformat("%sT%s%s" % (date, clock, zone))
    return moment.astimezone(datetime.timezone.utc), int((frac or "0").ljust(9, "0"))


def ndjson_lines(text):
    return [json.loads(line) for line in text.split("\n") if line.strip()]


# --------------------------------------------------------------------------
# Building state through the API
# --------------------------------------------------------------------------

User = namedtuple("User", "id username email token record")

_counter = itertools.count(1)
_run = uuid.uuid4().hex[:6]


def unique(prefix):
    return "%s-%s-%d" % (prefix, _run, next(_counter))


def etag(version):
    return '"%d"' % version


class ApiError(AssertionError):
    pass


class Api:
    """State builders; every step asserts the status the contract promises."""

    def __init__(self, client, admin_token):
        self.client = client
        self.admin = admin_token

    def call(self, method, path, token=None, body=None, expect=None, **kw):
        resp = self.client.request(method, path, token=token, body=body, **kw)
        if expect is not None and resp.status != expect:
            raise ApiError("%s %s -> %s (expected %s): %r"
                           % (method, path, resp.status, expect, resp.body))
        return resp

    def new_user(self, prefix="user", email=None, **extra):
        name = unique(prefix)
        body = {"Username": name, "Email": email or name + "@example.test",
                "DisplayName": "Display " + name}
        body.update(extra)
        rec = self.call("POST", "/user", self.admin, body, expect=201).body
        return User(rec["UserID"], rec["Username"], rec["Email"], rec["Token"], rec)

    def new_org(self, owner, name=None):
        name = name or unique("org")
        return self.call("POST", "/organization", owner.token,
                         {"DisplayName": "Org " + name}, expect=201).body

    def invite(self, org_id, token, email=None, expect=201, headers=None, **fields):
        body = {"Email": email or unique("invitee") + "@example.test"}
        body.update(fields)
        return self.call("POST", members_path(org_id), token, body,
                         expect=expect, headers=headers).body

    def accept(self, org_id, user, expect=200):
        return self.call("POST", "/me/memberships/" + org_id, user.token, expect=expect).body

    def add_member(self, org_id, inviter_token, role="MEMBER", prefix="member", **fields):
        """A new user with an accepted membership; answers (user, membership)."""
        user = self.new_user(prefix)
        self.invite(org_id, inviter_token, email=user.email, Role=role, **fields)
        return user, self.accept(org_id, user)

    def member(self, org_id, member_id, token=None):
        return self.call("GET", member_path(org_id, member_id), token or self.admin,
                         expect=200).body

    def patch(self, org_id, member, changes, token=None, expect=200):
        return self.call("PATCH", member_path(org_id, member["OrganizationMemberID"]),
                         token or self.admin, changes, expect=expect,
                         headers={"If-Match": etag(member["Version"])}).body

    def walk(self, path, token, query=None, limit=100, headers=None, pause=0):
        """Every item of a list, page by page (pause seconds between pages);
        answers (items, pages)."""
        items, pages, page_token = [], 0, None
        while True:
            q = dict(query or {})
            q["limit"] = str(limit)
            if page_token:
                q["page_token"] = page_token
            body = self.call("GET", path, token, expect=200, query=q, headers=headers).body
            items.extend(body["Items"])
            pages += 1
            page_token = body.get("NextPageToken")
            if not page_token:
                return items, pages
            if pages > 100000:
                raise ApiError("page walk does not end")
            if pause:
                time.sleep(pause)

    def org_with_roles(self):
        """An organization with one user per role, an outsider and a pending invitation."""
        o = Namespace()
        o.owner = self.new_user("owner")
        o.org = self.new_org(o.owner)
        o.id = o.org["OrganizationID"]
        o.admin, o.admin_row = self.add_member(o.id, o.owner.token, "ADMIN", "admin")
        o.member, o.member_row = self.add_member(o.id, o.owner.token, "MEMBER", "plain")
        o.outsider = self.new_user("outsider")
        o.pending_row = self.invite(o.id, o.owner.token, Labels={"secret": "pendinglabel"})
        o.owner_row = self.find_member(o.id, o.owner.id)
        return o

    def new_space(self, org_id, token, expect=201, headers=None, **fields):
        body = {"DisplayName": "Space " + unique("s")}
        body.update(fields)
        return self.call("POST", spaces_path(org_id), token, body, expect=expect,
                         headers=headers).body

    def add_space_member(self, space_id, token, email, expect=201, headers=None, **fields):
        body = {"Email": email}
        body.update(fields)
        return self.call("POST", space_members_path(space_id), token, body, expect=expect,
                         headers=headers).body

    def new_filter(self, org_id, token, where, expect=201, headers=None, **fields):
        body = {"Slug": unique("f"), "DisplayName": "a filter", "Where": where}
        body.update(fields)
        return self.call("POST", filters_path(org_id), token, body, expect=expect,
                         headers=headers).body

    def space_with_roles(self):
        """org_with_roles() plus a space: `space_admin` and `space_member` are
        organization MEMBERs in it (the first a space admin), the pending
        invitation is in it too; `member` (a MEMBER) and `admin` (an ADMIN)
        are not."""
        o = self.org_with_roles()
        o.space = self.new_space(o.id, o.owner.token)
        o.space_id = o.space["SpaceID"]
        o.space_admin, _ = self.add_member(o.id, o.owner.token, "MEMBER", "spadmin")
        o.space_admin_row = self.add_space_member(o.space_id, o.owner.token, o.space_admin.email,
                                                  Admin=True)
        o.space_member, _ = self.add_member(o.id, o.owner.token, "MEMBER", "spmember")
        o.space_member_row = self.add_space_member(o.space_id, o.owner.token,
                                                   o.space_member.email, Labels={"seat": "a"})
        o.pending_space_row = self.add_space_member(o.space_id, o.owner.token,
                                                    o.pending_row["Email"],
                                                    Labels={"secret": "pendinglabel"})
        return o

    def find_member(self, org_id, user_id):
        items, _ = self.walk(members_path(org_id), self.admin)
        items = [m for m in items if m.get("UserID") == user_id]
        if len(items) != 1:
            raise ApiError("membership of %s in %s: %r" % (user_id, org_id, items))
        return items[0]


class Namespace:
    pass


def org_path(org_id):
    return "/organization/" + org_id


def members_path(org_id):
    return "/organization/%s/organization_member" % org_id


def member_path(org_id, member_id):
    return "%s/%s" % (members_path(org_id), member_id)


def spaces_path(org_id):
    return "/organization/%s/space" % org_id


def space_path(org_id, space_id):
    return "%s/%s" % (spaces_path(org_id), space_id)


def space_members_path(space_id):
    return "/space/%s/space_member" % space_id


def space_member_path(space_id, space_member_id):
    return "%s/%s" % (space_members_path(space_id), space_member_id)


def org_space_members_path(org_id):
    return "/organization/%s/space_member" % org_id


def filters_path(org_id):
    return "/organization/%s/filter" % org_id


def filter_path(org_id, filter_id):
    return "%s/%s" % (filters_path(org_id), filter_id)


def if_match(record):
    return {"If-Match": etag(record["Version"])}


# --------------------------------------------------------------------------
# Role matrices: every route x every kind of caller
# --------------------------------------------------------------------------

# A request to make: `ctx` is the Namespace whose users the roles name.
Call = namedtuple("Call", "ctx method path body headers")
# `prepare(test, role)` answers the Call; `expected` maps role -> status (None:
# not asserted, the contract is silent).
Case = namedtuple("Case", "name prepare expected")


# The callers of a space_with_roles() organization.
SPACE_ROLES = ("owner", "admin", "space_admin", "space_member", "member", "outsider",
               "admin_token", "no_token", "bad_token")


def space_expect(owner, admin, space_admin, space_member, member, outsider, admin_token,
                 no_token=401):
    """Expected status per caller of a space_with_roles() organization."""
    return dict(owner=owner, admin=admin, space_admin=space_admin, space_member=space_member,
                member=member, outsider=outsider, admin_token=admin_token, no_token=no_token,
                bad_token=no_token)


def token_of(ctx, role):
    """The token of a role: an attribute of ctx (a User), or one of the
    pseudo-roles admin_token, no_token, bad_token."""
    pseudo = {"admin_token": ADMIN_TOKEN, "no_token": None, "bad_token": "no-such-token"}
    return pseudo[role] if role in pseudo else getattr(ctx, role).token


def add_role_matrix(test_class, cases, roles):
    """A test_<name> method per case that makes its call as every role."""
    def run_case(self, case):
        for role in roles:
            want = case.expected.get(role)
            if want is None:
                continue
            with self.subTest(role=role):
                call = case.prepare(self, role)
                resp = self.request(call.method, call.path, token_of(call.ctx, role), call.body,
                                    call.headers)
                what = "%s %s as %s" % (call.method, call.path, role)
                if want >= 400:
                    self.assertError(resp, want, msg=what)
                else:
                    self.assertStatus(resp, want, what)

    for case in cases:
        setattr(test_class, "test_" + case.name,
                lambda self, case=case: run_case(self, case))


# --------------------------------------------------------------------------
# Test case base
# --------------------------------------------------------------------------

class ServerTestCase(unittest.TestCase):
    """One server per test class, started in setUpClass with `server_args`."""

    maxDiff = 4000
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=cls.server_args)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.client = Client(cls.server)
        cls.api = Api(cls.client, ADMIN_TOKEN)
        cls.admin = ADMIN_TOKEN

    def request(self, method, path, token=None, body=None, headers=None, **kw):
        return self.client.request(method, path, token=token, body=body, headers=headers, **kw)

    def assertStatus(self, resp, status, msg=None):
        if resp.status != status:
            self.fail("%sexpected %s, got %s: %r"
                      % (msg + ": " if msg else "", status, resp.status, resp.body))

    def assertError(self, resp, status, contains=None, msg=None):
        """An error answer: the status, {"Code": "<status>", "Message": ...},
        and optionally a substring of the Message."""
        self.assertStatus(resp, status, msg)
        self.assertIsInstance(resp.body, dict, "error body is not a JSON object: %r" % (resp.body,))
        self.assertEqual(resp.body.get("Code"), str(status), resp.body)
        self.assertIsInstance(resp.body.get("Message"), str, resp.body)
        for text in ([contains] if isinstance(contains, str) else contains or []):
            self.assertIn(text, resp.body["Message"], resp.body)

    def assertDeleted(self, resp):
        self.assertStatus(resp, 200)
        self.assertIsInstance(resp.body, dict)
        self.assertIsInstance(resp.body.get("Message"), str, resp.body)

    def assertETag(self, resp, version):
        self.assertEqual(resp.headers.get("ETag"), etag(version), "ETag of %r" % (resp.body,))


def main():
    """unittest.main() that also takes the binary as argv[1]."""
    if len(sys.argv) > 1 and os.path.isfile(sys.argv[1]) and os.access(sys.argv[1], os.X_OK):
        os.environ.setdefault("ROLLCALL_BINARY", os.path.abspath(sys.argv.pop(1)))
    unittest.main(verbosity=2)
