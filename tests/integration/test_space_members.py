"""Space memberships: every route x every kind of caller, the space admin's
rights, the plain space member's scoped view, If-Match, the cascade when an
organization membership goes, and the list parameters."""

from harness import (ADMIN_TOKEN, SPACE_MEMBER_VISIBLE_FIELDS, SPACE_ROLES as ROLES,
                     add_role_matrix, Call, Case, if_match, main, member_path, ndjson_lines,
                     org_space_members_path, ServerTestCase, space_expect as expect,
                     space_member_path, space_members_path, unique)

FULL_FIELDS = SPACE_MEMBER_VISIBLE_FIELDS | {"Email", "RoleIDs", "Labels", "CreatedBy",
                                             "UpdatedAt", "UpdatedBy", "Version"}
ROLE_ID = "7c61626f-ddbe-41af-93f6-b69f4ab6d308"


def get(path_of):
    return lambda t, role: Call(t.o, "GET", path_of(t.o), None, None)


def fresh_space_member(t, active=False):
    """A new organization membership (pending, or active), added to the shared space."""
    if active:
        email = t.api.add_member(t.o.id, t.o.owner.token)[0].email
    else:
        email = t.api.invite(t.o.id, t.o.owner.token)["Email"]
    return t.api.add_space_member(t.o.space_id, t.o.owner.token, email)


def add(active):
    def prepare(t, role):
        if active:
            email = t.api.add_member(t.o.id, t.o.owner.token)[0].email
        else:
            email = t.api.invite(t.o.id, t.o.owner.token)["Email"]
        return Call(t.o, "POST", space_members_path(t.o.space_id), {"Email": email}, None)
    return prepare


def change_fresh(method, body, active=False):
    def prepare(t, role):
        target = fresh_space_member(t, active)
        return Call(t.o, method, space_member_path(t.o.space_id, target["SpaceMemberID"]), body,
                    if_match(target) if method != "DELETE" else None)
    return prepare


def one(row):
    return lambda o: space_member_path(o.space_id, getattr(o, row)["SpaceMemberID"])


def org_one(o):
    return "%s/%s" % (org_space_members_path(o.id), o.space_member_row["SpaceMemberID"])


CASES = [
    Case("list_space_members", get(lambda o: space_members_path(o.space_id)),
         expect(200, 200, 200, 200, 403, 404, 200)),
    Case("get_active_space_member", get(one("space_member_row")),
         expect(200, 200, 200, 200, 403, 404, 200)),
    # An organization member outside the space is refused (403) before any
    # lookup, so its answers tell nothing about which records exist; for the
    # space's readers a hidden record is absent (404) on every route.
    Case("get_pending_space_member", get(one("pending_space_row")),
         expect(200, 200, 404, 404, 403, 404, 200)),
    Case("list_organization_space_members", get(lambda o: org_space_members_path(o.id)),
         expect(200, 200, 403, 403, 403, 404, 200)),
    Case("get_organization_space_member", get(org_one), expect(200, 200, 403, 403, 403, 404, 200)),
    Case("add_space_member", add(True), expect(201, 201, 201, 403, 403, 404, 201)),
    # An organization MEMBER (space admin or not) sees no pending membership:
    # adding one by Email is the 422 of an unknown Email, changing one is 404.
    Case("add_pending_space_member", add(False), expect(201, 201, 422, 403, 403, 404, 201)),
    Case("patch_space_member", change_fresh("PATCH", {"Labels": {"a": "b"}}, True),
         expect(200, 200, 200, 403, 403, 404, 200)),
    Case("put_space_member", change_fresh("PUT", {"Admin": True}, True),
         expect(200, 200, 200, 403, 403, 404, 200)),
    Case("delete_space_member", change_fresh("DELETE", None, True),
         expect(200, 200, 200, 403, 403, 404, 200)),
    Case("patch_pending_space_member", change_fresh("PATCH", {"Labels": {"a": "b"}}),
         expect(200, 200, 404, 404, 403, 404, 200)),
    Case("put_pending_space_member", change_fresh("PUT", {"Admin": True}),
         expect(200, 200, 404, 404, 403, 404, 200)),
    Case("delete_pending_space_member", change_fresh("DELETE", None),
         expect(200, 200, 404, 404, 403, 404, 200)),
]


class SpaceMemberRoleMatrixTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.space_with_roles()


add_role_matrix(SpaceMemberRoleMatrixTest, CASES, ROLES)


class SpaceMemberTestBase(ServerTestCase):

    def setUp(self):
        self.o = self.api.space_with_roles()

    def list(self, token, path=None, expect=200, **query):
        resp = self.request("GET", path or space_members_path(self.o.space_id), token, query=query)
        if expect != 200:
            self.assertError(resp, expect)
        else:
            self.assertStatus(resp, 200)
        return resp.body

    def ids(self, body):
        return {m["SpaceMemberID"] for m in body["Items"]}


class AddTest(SpaceMemberTestBase):

    def test_add_answers_the_membership(self):
        row = self.o.space_member_row
        self.assertEqual(set(row), FULL_FIELDS)
        self.assertEqual((row["SpaceID"], row["OrganizationID"], row["UserID"], row["Email"],
                          row["Admin"], row["Labels"], row["Version"]),
                         (self.o.space_id, self.o.id, self.o.space_member.id,
                          self.o.space_member.email, False, {"seat": "a"}, 1))

    def test_email_matches_case_insensitively(self):
        invited = self.api.invite(self.o.id, self.o.owner.token,
                                  email=unique("Mixed") + "@Example.TEST")
        row = self.api.add_space_member(self.o.space_id, self.o.owner.token,
                                        invited["Email"].swapcase(), RoleIDs=[ROLE_ID])
        self.assertEqual(row["OrganizationMemberID"], invited["OrganizationMemberID"])
        self.assertEqual(row["RoleIDs"], [ROLE_ID])

    def test_pending_members_may_be_added_and_get_their_user_on_accept(self):
        row = self.o.pending_space_row
        self.assertIsNone(row["UserID"])
        user = self.api.new_user("late")
        invited = self.api.invite(self.o.id, self.o.owner.token, email=user.email)
        added = self.api.add_space_member(self.o.space_id, self.o.owner.token, user.email)
        self.assertEqual(added["OrganizationMemberID"], invited["OrganizationMemberID"])
        self.api.accept(self.o.id, user)
        now = self.request("GET", space_member_path(self.o.space_id, added["SpaceMemberID"]),
                           self.o.owner.token).body
        self.assertEqual(now["UserID"], user.id)
        self.assertEqual(now["Version"], added["Version"] + 1)

    def test_unknown_email_is_422_and_a_second_add_409(self):
        path = space_members_path(self.o.space_id)
        self.assertError(self.request("POST", path, self.o.owner.token,
                                      {"Email": unique("nobody") + "@example.test"}), 422)
        self.assertError(self.request("POST", path, self.o.owner.token,
                                      {"Email": self.o.space_member.email}), 409)
        outsider_email = self.o.outsider.email
        self.assertError(self.request("POST", path, self.o.owner.token, {"Email": outsider_email}),
                         422)

    def test_bad_bodies(self):
        path = space_members_path(self.o.space_id)
        token = self.o.owner.token
        self.assertError(self.request("POST", path, token, {"Admin": True}), 400, "Email")
        self.assertError(self.request("POST", path, token, {"Email": "a@b.c", "Role": "x"}), 400,
                         "Role")
        self.assertError(self.request("POST", path, token, {"Email": "a@b.c", "Admin": "yes"}),
                         400, "Admin")
        self.assertError(self.request("POST", path, token, {"Email": "a@b.c", "RoleIDs": ["x"]}),
                         400, "RoleIDs")
        self.assertError(self.request("POST", path, token, raw_body=b"{}"), 415)

    def test_a_space_admin_may_add_and_make_admins(self):
        user, _ = self.api.add_member(self.o.id, self.o.owner.token)
        row = self.api.add_space_member(self.o.space_id, self.o.space_admin.token, user.email,
                                        Admin=True, Labels={"seat": "b"})
        self.assertTrue(row["Admin"])
        self.assertEqual(set(row), SPACE_MEMBER_VISIBLE_FIELDS)
        full = self.request("GET", space_member_path(self.o.space_id, row["SpaceMemberID"]),
                            self.o.owner.token).body
        self.assertEqual((full["Labels"], full["Email"]), ({"seat": "b"}, user.email))


class ViewTest(SpaceMemberTestBase):

    def test_plain_space_member_sees_active_members_and_few_fields(self):
        body = self.list(self.o.space_member.token, include_total="true")
        self.assertEqual(body["TotalCount"], 2)
        self.assertEqual(self.ids(body), {self.o.space_member_row["SpaceMemberID"],
                                          self.o.space_admin_row["SpaceMemberID"]})
        for item in body["Items"]:
            self.assertEqual(set(item), SPACE_MEMBER_VISIBLE_FIELDS)
        one = self.request("GET", space_member_path(self.o.space_id,
                                                    self.o.space_admin_row["SpaceMemberID"]),
                           self.o.space_member.token).body
        self.assertEqual(set(one), SPACE_MEMBER_VISIBLE_FIELDS)

    def test_hidden_fields_are_unknown_attributes_for_a_plain_member(self):
        token = self.o.space_member.token
        for query in ({"where": "Email LIKE '%'"}, {"where": "Labels.secret = 'pendinglabel'"},
                      {"select": "Email"}, {"order_by": "ASC:Labels"}):
            with self.subTest(query=query):
                self.assertError(self.request("GET", space_members_path(self.o.space_id), token,
                                              query=query), 400, "unknown attribute")

    def test_contains_searches_only_visible_fields(self):
        self.assertEqual(self.list(self.o.space_member.token, contains="pendinglabel")["Items"], [])
        found = self.list(self.o.owner.token, contains="pendinglabel")
        self.assertEqual(self.ids(found), {self.o.pending_space_row["SpaceMemberID"]})

    def test_a_space_admin_who_is_an_organization_member_gets_the_scoped_view(self):
        token = self.o.space_admin.token
        body = self.list(token, include_total="true")
        self.assertEqual(body["TotalCount"], 2)
        self.assertNotIn(self.o.pending_space_row["SpaceMemberID"], self.ids(body))
        for item in body["Items"]:
            self.assertEqual(set(item), SPACE_MEMBER_VISIBLE_FIELDS)
        one = self.request("GET", space_member_path(self.o.space_id,
                                                    self.o.space_member_row["SpaceMemberID"]),
                           token)
        self.assertStatus(one, 200)
        self.assertEqual(set(one.body), SPACE_MEMBER_VISIBLE_FIELDS)
        self.assertError(self.request("GET", space_member_path(
            self.o.space_id, self.o.pending_space_row["SpaceMemberID"]), token), 404)
        self.assertError(self.request("GET", space_members_path(self.o.space_id), token,
                                      query={"where": "Labels.seat = 'a'"}), 400,
                         "unknown attribute")
        self.assertEqual(self.list(token, contains="pendinglabel")["Items"], [])

    def test_a_space_admin_who_is_an_organization_member_writes_through_the_view(self):
        row = self.o.space_member_row
        resp = self.request("PATCH", space_member_path(self.o.space_id, row["SpaceMemberID"]),
                            self.o.space_admin.token, {"Admin": True}, if_match(row))
        self.assertStatus(resp, 200)
        self.assertETag(resp, 2)
        self.assertEqual(set(resp.body), SPACE_MEMBER_VISIBLE_FIELDS)
        self.assertTrue(resp.body["Admin"])

    def test_an_organization_admin_in_a_space_sees_everything(self):
        self.api.add_space_member(self.o.space_id, self.o.owner.token, self.o.admin.email)
        body = self.list(self.o.admin.token, include_total="true")
        self.assertEqual(body["TotalCount"], 4)
        for item in body["Items"]:
            self.assertEqual(set(item), FULL_FIELDS)

    def test_organization_admins_see_everything(self):
        for token in (self.o.admin.token, self.o.owner.token, ADMIN_TOKEN):
            body = self.list(token, include_total="true")
            self.assertEqual(body["TotalCount"], 3)
            for item in body["Items"]:
                self.assertEqual(set(item), FULL_FIELDS)

    def test_select_keeps_the_id(self):
        body = self.list(self.o.space_member.token, select="Username")
        for item in body["Items"]:
            self.assertEqual(set(item), {"SpaceMemberID", "Username"})

    def test_organization_list_spans_spaces(self):
        other = self.api.new_space(self.o.id, self.o.owner.token)
        row = self.api.add_space_member(other["SpaceID"], self.o.owner.token, self.o.member.email)
        body = self.list(self.o.admin.token, org_space_members_path(self.o.id),
                         include_total="true")
        self.assertEqual(body["TotalCount"], 4)
        self.assertIn(row["SpaceMemberID"], self.ids(body))
        only = self.list(self.o.admin.token, org_space_members_path(self.o.id),
                         where="SpaceID = '%s'" % other["SpaceID"])
        self.assertEqual(self.ids(only), {row["SpaceMemberID"]})
        wrong_space = "%s/%s" % (space_members_path(other["SpaceID"]),
                                 self.o.space_member_row["SpaceMemberID"])
        self.assertError(self.request("GET", wrong_space, self.o.owner.token), 404)


class ChangeTest(SpaceMemberTestBase):

    def path(self, row):
        return space_member_path(self.o.space_id, row["SpaceMemberID"])

    def test_patch_merges_and_put_replaces(self):
        row = self.o.space_member_row
        resp = self.request("PATCH", self.path(row), self.o.admin.token,
                            {"Labels": {"seat": None, "team": "sre"}, "RoleIDs": [ROLE_ID]},
                            if_match(row))
        self.assertStatus(resp, 200)
        self.assertETag(resp, 2)
        self.assertEqual((resp.body["Labels"], resp.body["RoleIDs"], resp.body["Admin"]),
                         ({"team": "sre"}, [ROLE_ID], False))
        put = self.request("PUT", self.path(row), self.o.owner.token, {"Admin": True},
                           if_match(resp.body))
        self.assertStatus(put, 200)
        self.assertEqual((put.body["Labels"], put.body["RoleIDs"], put.body["Admin"],
                          put.body["Version"]), ({}, [], True, 3))
        merge = self.request("PATCH", self.path(row), self.o.owner.token, raw_body=b'{"RoleIDs":null}',
                             headers={"Content-Type": "application/merge-patch+json",
                                      "If-Match": '"3"'})
        self.assertStatus(merge, 200)
        self.assertEqual((merge.body["RoleIDs"], merge.body["Admin"]), ([], True))

    def test_if_match_is_required_and_checked(self):
        row = self.o.space_member_row
        token = self.o.owner.token
        self.assertError(self.request("PATCH", self.path(row), token, {"Admin": True}), 428)
        self.assertError(self.request("PUT", self.path(row), token, {"Admin": True}), 428)
        stale = {"If-Match": '"7"'}
        self.assertError(self.request("PATCH", self.path(row), token, {"Admin": True}, stale), 412)
        self.assertError(self.request("DELETE", self.path(row), token, headers=stale), 412)
        self.assertDeleted(self.request("DELETE", self.path(row), token, headers=if_match(row)))
        self.assertError(self.request("GET", self.path(row), token), 404)

    def test_a_member_may_remove_their_own_space_membership_only(self):
        mine, other = self.o.space_member_row, self.o.space_admin_row
        self.assertError(self.request("DELETE", self.path(other), self.o.space_member.token), 403)
        self.assertDeleted(self.request("DELETE", self.path(mine), self.o.space_member.token))
        self.assertError(self.request("GET", space_members_path(self.o.space_id),
                                      self.o.space_member.token), 403)

    def test_a_space_admin_manages_only_their_space(self):
        other = self.api.new_space(self.o.id, self.o.owner.token)
        row = self.api.add_space_member(other["SpaceID"], self.o.owner.token, self.o.member.email)
        path = space_member_path(other["SpaceID"], row["SpaceMemberID"])
        self.assertError(self.request("PATCH", path, self.o.space_admin.token, {"Admin": True},
                                      if_match(row)), 403)
        self.assertError(self.request("DELETE", path, self.o.space_admin.token), 403)
        self.assertError(self.request("POST", space_members_path(other["SpaceID"]),
                                      self.o.space_admin.token, {"Email": self.o.admin.email}), 403)

    def test_removing_the_organization_membership_removes_its_space_memberships(self):
        other = self.api.new_space(self.o.id, self.o.owner.token)
        second = self.api.add_space_member(other["SpaceID"], self.o.owner.token,
                                           self.o.space_member.email)
        org_row = self.api.find_member(self.o.id, self.o.space_member.id)
        self.assertDeleted(self.request("DELETE", member_path(self.o.id,
                                                              org_row["OrganizationMemberID"]),
                                        self.o.owner.token))
        for row in (self.o.space_member_row, second):
            self.assertError(self.request("GET", space_member_path(row["SpaceID"],
                                                                   row["SpaceMemberID"]),
                                          self.o.owner.token), 404)
        left = self.list(self.o.owner.token, org_space_members_path(self.o.id))
        self.assertNotIn(self.o.space_member.id, {m["UserID"] for m in left["Items"]})

    def test_leaving_the_organization_removes_space_memberships(self):
        self.assertDeleted(self.request("DELETE", "/me/memberships/" + self.o.id,
                                        self.o.space_admin.token))
        self.assertError(self.request("GET", space_member_path(
            self.o.space_id, self.o.space_admin_row["SpaceMemberID"]), self.o.owner.token), 404)


class ListParamsTest(SpaceMemberTestBase):

    def setUp(self):
        super().setUp()
        self.rows = [fresh for fresh in (self.api.add_space_member(
            self.o.space_id, self.o.owner.token,
            self.api.invite(self.o.id, self.o.owner.token)["Email"],
            Labels={"n": str(i)}) for i in range(5))]

    def test_where_order_by_limit_and_page_walk(self):
        items, pages = self.api.walk(space_members_path(self.o.space_id), self.o.owner.token,
                                     query={"where": "Labels ? 'n'",
                                            "order_by": "DESC:CreatedAt"}, limit=2)
        self.assertEqual([m["SpaceMemberID"] for m in items],
                         [r["SpaceMemberID"] for r in reversed(self.rows)])
        self.assertEqual(pages, 3)

    def test_page_token_is_bound_to_its_query(self):
        body = self.list(self.o.owner.token, limit="1")
        token = body["NextPageToken"]
        self.assertError(self.request("GET", space_members_path(self.o.space_id), self.o.owner.token,
                                      query={"page_token": token, "where": "Admin"}), 400)

    def test_bad_where_is_400_with_column(self):
        self.assertError(self.request("GET", space_members_path(self.o.space_id),
                                      self.o.owner.token, query={"where": "Admn = true"}), 400,
                         ["column 1", "Admin"])
        self.assertError(self.request("GET", space_members_path(self.o.space_id),
                                      self.o.owner.token, query={"limit": "1001"}), 400, "limit")

    def test_ndjson_streams_every_match(self):
        resp = self.request("GET", space_members_path(self.o.space_id), self.o.owner.token,
                            headers={"Accept": "application/x-ndjson"},
                            query={"limit": "1", "select": "Labels"})
        self.assertStatus(resp, 200)
        self.assertIn("application/x-ndjson", resp.headers.get("Content-Type"))
        lines = ndjson_lines(resp.body)
        self.assertEqual(len(lines), 8)
        self.assertEqual(set(lines[0]), {"SpaceMemberID", "Labels"})


if __name__ == "__main__":
    main()
