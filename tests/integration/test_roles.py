"""Every route of part 1 x every kind of caller, the ADMIN limits, and the
MEMBER's scoped view of the organization's members."""

import uuid

from harness import (MEMBER_VISIBLE_FIELDS, Call, Case, ServerTestCase,
                     add_role_matrix, if_match, main, member_path, members_path, ndjson_lines,
                     org_path, unique)

ROLES = ("owner", "admin", "member", "outsider", "admin_token", "no_token", "bad_token")

def expect(owner, admin, member, outsider, admin_token, no_token=401):
    """Expected status per caller; None: not asserted (the contract is silent)."""
    return dict(owner=owner, admin=admin, member=member, outsider=outsider,
                admin_token=admin_token, no_token=no_token, bad_token=no_token)


# Each prepare(t, role) answers the Call to make; t is the running test, t.o the
# shared organization; prepares that change who owns what build their own org.

def get(path_of):
    return lambda t, role: Call(t.o, "GET", path_of(t.o), None, None)


def invite(role_name):
    return lambda t, role: Call(t.o, "POST", members_path(t.o.id),
                                {"Email": unique("m") + "@example.test", "Role": role_name}, None)


def change_fresh(method, body, active=False):
    """A new membership to change: a pending invitation (hidden from a MEMBER),
    or an active one."""
    def prepare(t, role):
        if active:
            _, target = t.api.add_member(t.o.id, t.o.owner.token)
        else:
            target = t.api.invite(t.o.id, t.o.owner.token)
        return Call(t.o, method, member_path(t.o.id, target["OrganizationMemberID"]), body,
                    if_match(target) if method != "DELETE" else None)
    return prepare


def patch_owner_labels(t, role):
    row = t.api.member(t.o.id, t.o.owner_row["OrganizationMemberID"])
    return Call(t.o, "PATCH", member_path(t.o.id, row["OrganizationMemberID"]),
                {"Labels": {"touched": role}}, if_match(row))


def delete_second_owner(t, role):
    _, row = t.api.add_member(t.o.id, t.o.owner.token, "OWNER", "owner2")
    return Call(t.o, "DELETE", member_path(t.o.id, row["OrganizationMemberID"]), None, None)


def transfer(t, role):
    ctx = t.api.org_with_roles()
    return Call(ctx, "POST", member_path(ctx.id, ctx.member_row["OrganizationMemberID"])
                + "/transfer_ownership", None, None)


def leave_via_me(t, role):
    ctx = t.api.org_with_roles()
    return Call(ctx, "DELETE", "/me/memberships/" + ctx.id, None, None)


def delete_own_row(t, role):
    ctx = t.api.org_with_roles()
    row = {"owner": ctx.owner_row, "admin": ctx.admin_row, "member": ctx.member_row}[role]
    return Call(ctx, "DELETE", member_path(ctx.id, row["OrganizationMemberID"]), None, None)


def new_org(t, role):
    return Call(t.o, "POST", "/organization", {"DisplayName": "by " + role}, None)


def new_user(t, role):
    name = unique("nu")
    return Call(t.o, "POST", "/user", {"Username": name, "Email": name + "@example.test",
                                        "DisplayName": name}, None)


def new_token(t, role):
    return Call(t.o, "POST", "/user/%s/token" % t.o.outsider.id, None, None)


def me_membership(method):
    return lambda t, role: Call(t.o, method, "/me/memberships/" + t.o.id, None, None)


CASES = [
    Case("get_me", get(lambda o: "/me"), expect(200, 200, 200, 200, 403)),
    Case("post_user", new_user, expect(403, 403, 403, 403, 201)),
    Case("post_user_token", new_token, expect(403, 403, 403, 403, 201)),
    Case("post_organization", new_org, expect(201, 201, 201, 201, 403)),
    Case("list_organizations", get(lambda o: "/organization"), expect(200, 200, 200, 200, 200)),
    Case("get_organization", get(lambda o: org_path(o.id)), expect(200, 200, 200, 404, 200)),
    Case("list_members", get(lambda o: members_path(o.id)), expect(200, 200, 200, 404, 200)),
    Case("get_active_member",
         get(lambda o: member_path(o.id, o.admin_row["OrganizationMemberID"])),
         expect(200, 200, 200, 404, 200)),
    Case("get_pending_member",
         get(lambda o: member_path(o.id, o.pending_row["OrganizationMemberID"])),
         expect(200, 200, 404, 404, 200)),
    Case("invite_member", invite("MEMBER"), expect(201, 201, 403, 404, 201)),
    Case("invite_admin", invite("ADMIN"), expect(201, 201, 403, 404, 201)),
    Case("invite_owner", invite("OWNER"), expect(201, 403, 403, 404, 201)),
    # A MEMBER cannot see a pending membership: changing one is 404, as if absent.
    Case("patch_pending_member", change_fresh("PATCH", {"Labels": {"a": "b"}}),
         expect(200, 200, 404, 404, 200)),
    Case("put_pending_member", change_fresh("PUT", {"Role": "ADMIN"}),
         expect(200, 200, 404, 404, 200)),
    Case("delete_pending_member", change_fresh("DELETE", None), expect(200, 200, 404, 404, 200)),
    Case("patch_member", change_fresh("PATCH", {"Labels": {"a": "b"}}, active=True),
         expect(200, 200, 403, 404, 200)),
    Case("put_member", change_fresh("PUT", {"Role": "ADMIN"}, active=True),
         expect(200, 200, 403, 404, 200)),
    Case("delete_member", change_fresh("DELETE", None, active=True),
         expect(200, 200, 403, 404, 200)),
    Case("grant_owner_patch", change_fresh("PATCH", {"Role": "OWNER"}, active=True),
         expect(200, 403, 403, 404, 200)),
    Case("grant_owner_put", change_fresh("PUT", {"Role": "OWNER"}),
         expect(200, 403, 404, 404, 200)),
    Case("patch_owner_membership", patch_owner_labels, expect(200, 403, 403, 404, 200)),
    Case("delete_owner_membership", delete_second_owner, expect(200, 403, 403, 404, 200)),
    Case("transfer_ownership", transfer, expect(200, 403, 403, 404, None)),
    Case("list_my_memberships", get(lambda o: "/me/memberships"),
         expect(200, 200, 200, 200, 403)),
    Case("get_my_membership", me_membership("GET"), expect(200, 200, 200, 404, 403)),
    Case("leave_via_me", leave_via_me, expect(422, 200, 200, 404, 403)),
    Case("delete_own_membership", delete_own_row, expect(422, 200, 200, None, None, None)),
    Case("healthz", get(lambda o: "/healthz"), expect(200, 200, 200, 200, 200, 200)),
    Case("metrics", get(lambda o: "/metrics"), expect(200, 200, 200, 200, 200, 200)),
    Case("openapi", get(lambda o: "/openapi.json"), expect(200, 200, 200, 200, 200, 200)),
]


class RoleMatrixTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.org_with_roles()


add_role_matrix(RoleMatrixTest, CASES, ROLES)


class AdminLimitsTest(ServerTestCase):
    """What an ADMIN may not do, and that a refusal changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.org_with_roles()

    def test_admin_cannot_touch_an_owner(self):
        row = self.o.owner_row
        path = member_path(self.o.id, row["OrganizationMemberID"])
        token = self.o.admin.token
        self.assertError(self.request("PATCH", path, token, {"Role": "MEMBER"}, if_match(row)), 403)
        self.assertError(self.request("PUT", path, token, {"Role": "OWNER"}, if_match(row)), 403)
        self.assertError(self.request("DELETE", path, token), 403)
        self.assertEqual(self.api.member(self.o.id, row["OrganizationMemberID"]), row)

    def test_admin_cannot_delete_a_pending_owner(self):
        pending = self.api.invite(self.o.id, self.o.owner.token, Role="OWNER")
        resp = self.request("DELETE", member_path(self.o.id, pending["OrganizationMemberID"]),
                            self.o.admin.token)
        self.assertError(resp, 403)

    def test_admin_cannot_grant_owner(self):
        target = self.api.invite(self.o.id, self.o.owner.token, Role="ADMIN")
        resp = self.request("PATCH", member_path(self.o.id, target["OrganizationMemberID"]),
                            self.o.admin.token, {"Role": "OWNER"}, if_match(target))
        self.assertError(resp, 403)
        self.assertEqual(self.api.member(self.o.id, target["OrganizationMemberID"]), target)

    def test_admin_may_change_admins_and_members(self):
        _, other_admin = self.api.add_member(self.o.id, self.o.owner.token, "ADMIN", "adm2")
        got = self.api.patch(self.o.id, other_admin, {"Role": "MEMBER"}, self.o.admin.token)
        self.assertEqual(got["Role"], "MEMBER")
        got = self.api.patch(self.o.id, got, {"Role": "ADMIN"}, self.o.admin.token)
        self.assertEqual(got["Role"], "ADMIN")

    def test_a_hidden_membership_is_as_absent_as_an_unknown_one_to_a_member(self):
        pending = self.api.invite(self.o.id, self.o.owner.token)
        unknown = dict(pending, OrganizationMemberID=str(uuid.uuid4()))
        for row in (pending, unknown):
            path = member_path(self.o.id, row["OrganizationMemberID"])
            for method, body in (("PATCH", {"Role": "ADMIN"}), ("PUT", {"Role": "ADMIN"}),
                                 ("DELETE", None)):
                with self.subTest(method=method, pending=row is pending):
                    self.assertError(self.request(method, path, self.o.member.token, body,
                                                  if_match(row)), 404, "not found")
            self.assertError(self.request("POST", path + "/transfer_ownership",
                                          self.o.member.token), 404, "not found")
        self.assertEqual(self.api.member(self.o.id, pending["OrganizationMemberID"]), pending)

    def test_member_cannot_change_itself(self):
        row = self.api.member(self.o.id, self.o.member_row["OrganizationMemberID"])
        resp = self.request("PATCH", member_path(self.o.id, row["OrganizationMemberID"]),
                            self.o.member.token, {"Role": "ADMIN"}, if_match(row))
        self.assertError(resp, 403)


class MemberScopedViewTest(ServerTestCase):
    """A MEMBER sees active memberships only, and only the visible fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.org_with_roles()
        # an active member whose email shares nothing with its other fields
        cls.hidden_local = unique("zqx")
        cls.api.add_member(cls.o.id, cls.o.owner.token, "MEMBER", "visible",
                           Labels={"secretkey": "labelonlyvalue"})
        user = cls.api.new_user("plainname", email=cls.hidden_local + "@mailhost.test")
        cls.api.invite(cls.o.id, cls.o.owner.token, email=user.email, RequiredMFAAuth=True)
        cls.hidden_row = cls.api.accept(cls.o.id, user)
        cls.api.invite(cls.o.id, cls.o.owner.token, Labels={"secretkey": "pendingvalue"})
        cls.everything, _ = cls.api.walk(members_path(cls.o.id), cls.o.owner.token)
        cls.active = [m for m in cls.everything if m["Status"] == "active"]

    def get(self, headers=None, **query):
        return self.request("GET", members_path(self.o.id), self.o.member.token, query=query,
                            headers=headers)

    def ids(self, items):
        return [m["OrganizationMemberID"] for m in items]

    def assertScoped(self, items):
        for m in items:
            self.assertLessEqual(set(m), MEMBER_VISIBLE_FIELDS, m)
            self.assertEqual(m["Status"], "active")

    def test_list_is_scoped(self):
        items, _ = self.api.walk(members_path(self.o.id), self.o.member.token, limit=2)
        self.assertEqual(self.ids(items), self.ids(self.active))
        self.assertScoped(items)
        self.assertIn("Username", items[0])
        self.assertGreater(len(self.everything), len(self.active))

    def test_ndjson_is_scoped(self):
        resp = self.get(headers={"Accept": "application/x-ndjson"})
        self.assertStatus(resp, 200)
        items = ndjson_lines(resp.body)
        self.assertEqual(self.ids(items), self.ids(self.active))
        self.assertScoped(items)

    def test_total_counts_what_the_member_sees(self):
        resp = self.get(include_total="true", limit="1")
        self.assertEqual(resp.body.get("TotalCount"), len(self.active))

    def test_get_one_is_scoped(self):
        resp = self.request("GET", member_path(self.o.id, self.hidden_row["OrganizationMemberID"]),
                            self.o.member.token)
        self.assertStatus(resp, 200)
        self.assertScoped([resp.body])
        self.assertNotIn("Email", resp.body)
        self.assertNotIn("Labels", resp.body)

    def test_hidden_attributes_are_unknown(self):
        hidden = ["Email = 'x@example.test'", "Labels.secretkey = 'labelonlyvalue'",
                  "Labels ? 'secretkey'", "LEN(Labels) > 0", "RequiredMFAAuth = true",
                  "RequiredSSOAuth = false", "Version = 1", "UpdatedAt > CreatedAt",
                  "ExternalID = ''", "ExternalOrganizationID = ''", "UpdatedBy IS NULL",
                  "CreatedBy IS NULL", "LEN(RoleIDs) = 0",
                  "Role = 'MEMBER' OR Email LIKE '%zqx%'"]
        for where in hidden:
            with self.subTest(where=where):
                self.assertError(self.get(where=where), 400, "unknown attribute")

    def test_hidden_order_by_and_select_are_unknown(self):
        for field in ("Email", "Labels", "Version", "UpdatedAt", "RequiredMFAAuth"):
            with self.subTest(field=field):
                self.assertError(self.get(order_by="ASC:" + field), 400, "unknown attribute")
                self.assertError(self.get(select="Username," + field), 400, "unknown attribute")

    def test_visible_attributes_work(self):
        resp = self.get(where="Role = 'ADMIN' AND Status = 'active'", order_by="DESC:Username",
                        select="Username,Role")
        self.assertStatus(resp, 200)
        self.assertEqual(self.ids(resp.body["Items"]),
                         self.ids(sorted((m for m in self.active if m["Role"] == "ADMIN"),
                                         key=lambda m: m["Username"].encode(), reverse=True)))

    def test_pending_filter_finds_nothing(self):
        resp = self.get(where="Status = 'pending'")
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["Items"], [])

    def test_contains_does_not_search_hidden_fields(self):
        for text in (self.hidden_local, "mailhost", "labelonlyvalue", "secretkey",
                     "pendingvalue", "example.test"):
            with self.subTest(text=text):
                owner_view = self.request("GET", members_path(self.o.id), self.o.owner.token,
                                          query={"contains": text}).body["Items"]
                self.assertTrue(owner_view, "the OWNER should find %r" % text)
                resp = self.get(contains=text)
                self.assertStatus(resp, 200)
                self.assertEqual(resp.body["Items"], [])

    def test_owner_page_token_does_not_widen_a_member_view(self):
        query = {"limit": "1"}
        token = self.request("GET", members_path(self.o.id), self.o.owner.token,
                             query=query).body["NextPageToken"]
        resp = self.get(page_token=token, limit="1000")
        if resp.status == 200:
            self.assertScoped(resp.body["Items"])
        else:
            self.assertError(resp, 400)

    def test_contains_searches_visible_fields(self):
        resp = self.get(contains="PLAINNAME")
        self.assertEqual(self.ids(resp.body["Items"]), [self.hidden_row["OrganizationMemberID"]])


if __name__ == "__main__":
    main()
