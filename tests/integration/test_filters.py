"""Saved filters: the routes x every kind of caller, Where compiled on save,
PATCH/PUT/DELETE with If-Match, and `filter=` on the organization_member and
space_member lists with its rules (same organization, From, FromSpaceID)."""

from harness import (SPACE_ROLES as ROLES, add_role_matrix, Call, Case, filter_path, filters_path,
                     if_match, main, members_path, org_space_members_path, ServerTestCase,
                     space_expect as expect, space_members_path, unique)

FIELDS = {"FilterID", "OrganizationID", "Slug", "DisplayName", "From", "FromSpaceID", "Where",
          "Version", "CreatedAt", "UpdatedAt"}


def get(path_of):
    return lambda t, role: Call(t.o, "GET", path_of(t.o), None, None)


def create(t, role):
    return Call(t.o, "POST", filters_path(t.o.id), {"Slug": unique("f"), "Where": "Role = 'ADMIN'"},
                None)


def change_fresh(method, body_of):
    def prepare(t, role):
        saved = t.api.new_filter(t.o.id, t.o.owner.token, "Role = 'OWNER'")
        return Call(t.o, method, filter_path(t.o.id, saved["FilterID"]), body_of(),
                    if_match(saved) if method != "DELETE" else None)
    return prepare


WRITE = expect(201, 201, 403, 403, 403, 404, 201)
READ = expect(200, 200, 200, 200, 200, 404, 200)
CHANGE = expect(200, 200, 403, 403, 403, 404, 200)
CASES = [
    Case("create_filter", create, WRITE),
    Case("list_filters", get(lambda o: filters_path(o.id)), READ),
    Case("get_filter_by_id", get(lambda o: filter_path(o.id, o.saved["FilterID"])), READ),
    Case("get_filter_by_slug", get(lambda o: filter_path(o.id, o.saved["Slug"])), READ),
    Case("patch_filter", change_fresh("PATCH", lambda: {"DisplayName": "renamed"}), CHANGE),
    Case("put_filter",
         change_fresh("PUT", lambda: {"Slug": unique("p"), "Where": "Role = 'MEMBER'"}), CHANGE),
    Case("delete_filter", change_fresh("DELETE", lambda: None), CHANGE),
]


class FilterRoleMatrixTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.space_with_roles()
        cls.o.saved = cls.api.new_filter(cls.o.id, cls.o.owner.token, "Role = 'ADMIN'")


add_role_matrix(FilterRoleMatrixTest, CASES, ROLES)


class FilterTestBase(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.space_with_roles()

    def save(self, where, **fields):
        return self.api.new_filter(self.o.id, self.o.owner.token, where, **fields)


class FilterCrudTest(FilterTestBase):

    def test_create_answers_the_filter(self):
        resp = self.request("POST", filters_path(self.o.id), self.o.admin.token,
                            {"Slug": unique("admins"), "DisplayName": "Admins",
                             "Where": "Role = 'ADMIN'"})
        self.assertStatus(resp, 201)
        self.assertETag(resp, 1)
        self.assertEqual(set(resp.body), FIELDS)
        self.assertEqual((resp.body["From"], resp.body["FromSpaceID"], resp.body["Version"]),
                         ("OrganizationMember", None, 1))

    def test_where_is_compiled_when_saved(self):
        resp = self.request("POST", filters_path(self.o.id), self.o.owner.token,
                            {"Slug": unique("bad"), "Where": "Role = 'ADMIN' AND Rol = 'x'"})
        self.assertError(resp, 400, ["column 20", "Rol"])
        space_attr = self.request("POST", filters_path(self.o.id), self.o.owner.token,
                                  {"Slug": unique("bad"), "Where": "Role = 'ADMIN'",
                                   "From": "SpaceMember"})
        self.assertError(space_attr, 400, "Role")

    def test_bad_specs(self):
        path = filters_path(self.o.id)
        token = self.o.owner.token
        self.assertError(self.request("POST", path, token, {"Where": "Admin"}), 400, "Slug")
        self.assertError(self.request("POST", path, token, {"Slug": unique("x"), "From": "User"}),
                         400)
        self.assertError(self.request("POST", path, token, {"Slug": unique("x"), "Nope": 1}), 400,
                         "Nope")
        self.assertError(self.request("POST", path, token, {"Slug": unique("x"),
                                                            "FromSpaceID": "zz"}), 400,
                         "FromSpaceID")
        self.assertError(self.request("POST", path, token, {
            "Slug": unique("x"), "From": "SpaceMember",
            "FromSpaceID": "00000000-0000-4000-8000-000000000000"}), 400)
        slug = self.save("")["Slug"]
        self.assertError(self.request("POST", path, token, {"Slug": slug}), 409)

    def test_get_by_id_or_slug_and_list(self):
        saved = self.save("Status = 'active'")
        for key in (saved["FilterID"], saved["Slug"]):
            got = self.request("GET", filter_path(self.o.id, key), self.o.member.token)
            self.assertStatus(got, 200)
            self.assertEqual(got.body, saved)
            self.assertETag(got, 1)
        items, _ = self.api.walk(filters_path(self.o.id), self.o.member.token, limit=1)
        self.assertIn(saved["FilterID"], [f["FilterID"] for f in items])
        self.assertError(self.request("GET", filter_path(self.o.id, "no-such-slug"),
                                      self.o.owner.token), 404)

    def test_patch_merges_put_replaces_delete_removes(self):
        saved = self.save("Role = 'OWNER'", DisplayName="owners")
        path = filter_path(self.o.id, saved["FilterID"])
        token = self.o.owner.token
        self.assertError(self.request("PATCH", path, token, {"DisplayName": "x"}), 428)
        self.assertError(self.request("PATCH", path, token, {"DisplayName": "x"},
                                      {"If-Match": '"9"'}), 412)
        self.assertError(self.request("PATCH", path, token, {"Where": "Nope = 1"},
                                      if_match(saved)), 400, "Nope")
        patched = self.request("PATCH", path, token, {"Where": "Role = 'ADMIN'"}, if_match(saved))
        self.assertStatus(patched, 200)
        self.assertEqual((patched.body["DisplayName"], patched.body["Where"],
                          patched.body["Version"]), ("owners", "Role = 'ADMIN'", 2))
        put = self.request("PUT", path, token, {"Slug": saved["Slug"], "From": "SpaceMember",
                                                "Where": "Admin"}, if_match(patched.body))
        self.assertStatus(put, 200)
        self.assertEqual((put.body["DisplayName"], put.body["From"], put.body["Version"]),
                         ("", "SpaceMember", 3))
        self.assertError(self.request("DELETE", path, token, headers={"If-Match": '"1"'}), 412)
        self.assertDeleted(self.request("DELETE", path, token, headers=if_match(put.body)))
        self.assertError(self.request("GET", path, token), 404)


class FilterInListsTest(FilterTestBase):

    def list(self, path, token=None, **query):
        return self.request("GET", path, token or self.o.owner.token, query=query)

    def member_ids(self, resp):
        self.assertStatus(resp, 200)
        return {m["OrganizationMemberID"] for m in resp.body["Items"]}

    def test_filter_by_slug_or_id_is_anded_with_where_and_contains(self):
        saved = self.save("Status = 'active'")
        path = members_path(self.o.id)
        active = self.member_ids(self.list(path, filter=saved["Slug"]))
        self.assertNotIn(self.o.pending_row["OrganizationMemberID"], active)
        self.assertEqual(active, self.member_ids(self.list(path, filter=saved["FilterID"])))
        admins = self.member_ids(self.list(path, filter=saved["Slug"], where="Role = 'ADMIN'"))
        self.assertEqual(admins, {self.o.admin_row["OrganizationMemberID"]})
        named = self.member_ids(self.list(path, filter=saved["Slug"],
                                          contains=self.o.member.username))
        self.assertEqual(named, {self.o.member_row["OrganizationMemberID"]})

    def test_space_member_filters_apply_to_space_lists(self):
        anywhere = self.save("Admin", From="SpaceMember")
        bound = self.save("Admin", From="SpaceMember", FromSpaceID=self.o.space_id)
        for path, saved in ((space_members_path(self.o.space_id), anywhere),
                            (space_members_path(self.o.space_id), bound),
                            (org_space_members_path(self.o.id), anywhere)):
            resp = self.list(path, filter=saved["Slug"])
            self.assertStatus(resp, 200)
            self.assertEqual([m["SpaceMemberID"] for m in resp.body["Items"]],
                             [self.o.space_admin_row["SpaceMemberID"]])
        # A filter bound to one space does not apply across spaces.
        self.assertError(self.list(org_space_members_path(self.o.id), filter=bound["Slug"]), 400,
                         "space")

    def test_from_must_match_the_listed_entity(self):
        org_filter = self.save("Role = 'ADMIN'")
        space_filter = self.save("Admin", From="SpaceMember")
        self.assertError(self.list(space_members_path(self.o.space_id), filter=org_filter["Slug"]),
                         400, "OrganizationMember")
        self.assertError(self.list(members_path(self.o.id), filter=space_filter["Slug"]), 400,
                         "SpaceMember")

    def test_from_space_id_must_match_the_space(self):
        other = self.api.new_space(self.o.id, self.o.owner.token)
        bound = self.save("Admin", From="SpaceMember", FromSpaceID=other["SpaceID"])
        self.assertError(self.list(space_members_path(self.o.space_id), filter=bound["Slug"]), 400,
                         "space")
        self.assertStatus(self.list(space_members_path(other["SpaceID"]), filter=bound["Slug"]),
                          200)

    def test_a_filter_of_another_organization_is_refused(self):
        other_org = self.api.new_org(self.o.owner)["OrganizationID"]
        foreign = self.api.new_filter(other_org, self.o.owner.token, "Role = 'OWNER'")
        resp = self.list(members_path(self.o.id), filter=foreign["FilterID"])
        self.assertError(resp, 400)
        self.assertError(self.list(members_path(self.o.id), filter="no-such-filter"), 400)

    def test_a_member_may_not_use_a_filter_on_hidden_fields(self):
        hidden = self.save("Email LIKE '%@example.test'")
        self.assertError(self.list(members_path(self.o.id), self.o.member.token,
                                   filter=hidden["Slug"]), 400, "unknown attribute")
        visible = self.save("Role = 'ADMIN'")
        resp = self.list(members_path(self.o.id), self.o.member.token, filter=visible["Slug"])
        self.assertEqual(self.member_ids(resp), {self.o.admin_row["OrganizationMemberID"]})
        space_hidden = self.save("Labels ? 'seat'", From="SpaceMember")
        self.assertError(self.list(space_members_path(self.o.space_id), self.o.space_member.token,
                                   filter=space_hidden["Slug"]), 400, "unknown attribute")

    def test_page_token_is_bound_to_the_filter(self):
        first = self.save("Role != 'OWNER'")
        second = self.save("Role != 'OWNER'")
        page = self.list(members_path(self.o.id), limit="1", filter=first["Slug"]).body
        self.assertError(self.list(members_path(self.o.id), limit="1", filter=second["Slug"],
                                   page_token=page["NextPageToken"]), 400)
        self.assertError(self.list(members_path(self.o.id), limit="1",
                                   page_token=page["NextPageToken"]), 400)


if __name__ == "__main__":
    main()
