"""Spaces: POST/GET /organization/{org}/space and GET …/space/{space}, every
kind of caller, validation, paging."""

from harness import (ADMIN_TOKEN, SPACE_ROLES as ROLES, Call, Case, ServerTestCase,
                     add_role_matrix, main, space_expect as expect, space_path, spaces_path,
                     unique)

def get(path_of):
    return lambda t, role: Call(t.o, "GET", path_of(t.o), None, None)


def create(t, role):
    return Call(t.o, "POST", spaces_path(t.o.id), {"DisplayName": "by " + role}, None)


CASES = [
    Case("create_space", create, expect(201, 201, 403, 403, 403, 404, 201)),
    Case("list_spaces", get(lambda o: spaces_path(o.id)), expect(200, 200, 200, 200, 200, 404, 200)),
    Case("get_space", get(lambda o: space_path(o.id, o.space_id)),
         expect(200, 200, 200, 200, 200, 404, 200)),
]


class SpaceRoleMatrixTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.space_with_roles()


add_role_matrix(SpaceRoleMatrixTest, CASES, ROLES)


class SpaceTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.api.new_user("owner")
        cls.org = cls.api.new_org(cls.owner)
        cls.id = cls.org["OrganizationID"]

    def test_create_answers_the_space_with_its_etag(self):
        slug = unique("slug")
        resp = self.request("POST", spaces_path(self.id), self.owner.token,
                            {"DisplayName": "Platform", "Slug": slug})
        self.assertStatus(resp, 201)
        space = resp.body
        self.assertEqual(set(space), {"SpaceID", "OrganizationID", "Slug", "DisplayName", "Version",
                                      "CreatedAt", "UpdatedAt"})
        self.assertEqual((space["OrganizationID"], space["Slug"], space["DisplayName"],
                          space["Version"]), (self.id, slug, "Platform", 1))
        self.assertETag(resp, 1)
        got = self.request("GET", space_path(self.id, space["SpaceID"]), self.owner.token)
        self.assertStatus(got, 200)
        self.assertEqual(got.body, space)
        self.assertETag(got, 1)

    def test_a_taken_slug_is_a_conflict(self):
        slug = unique("slug")
        self.api.new_space(self.id, self.owner.token, Slug=slug)
        self.assertError(self.request("POST", spaces_path(self.id), self.owner.token,
                                      {"DisplayName": "again", "Slug": slug}), 409)

    def test_bad_bodies(self):
        path = spaces_path(self.id)
        self.assertError(self.request("POST", path, self.owner.token, {"Nope": 1}), 400, "Nope")
        self.assertError(self.request("POST", path, self.owner.token, {"DisplayName": 3}), 400,
                         "DisplayName")
        self.assertError(self.request("POST", path, self.owner.token, raw_body=b"{}",
                                      headers={"Content-Type": "text/plain"}), 415)

    def test_unknown_ids_are_404(self):
        self.assertError(self.request("GET", space_path(self.id, "not-a-uuid"), self.owner.token),
                         404)
        self.assertError(self.request("GET", space_path(self.id, "00000000-0000-4000-8000-"
                                                        "000000000000"), self.owner.token), 404)
        self.assertError(self.request("GET", spaces_path("not-a-uuid"), ADMIN_TOKEN), 404)

    def test_a_space_is_not_found_under_another_organization(self):
        other = self.api.new_org(self.owner)
        space = self.api.new_space(self.id, self.owner.token)
        self.assertError(self.request("GET", space_path(other["OrganizationID"], space["SpaceID"]),
                                      self.owner.token), 404)

    def test_list_pages_in_creation_order(self):
        org = self.api.new_org(self.owner)["OrganizationID"]
        made = [self.api.new_space(org, self.owner.token)["SpaceID"] for _ in range(5)]
        items, pages = self.api.walk(spaces_path(org), self.owner.token, limit=2)
        self.assertEqual([s["SpaceID"] for s in items], made)
        self.assertEqual(pages, 3)
        body = self.request("GET", spaces_path(org), self.owner.token,
                            query={"include_total": "true", "limit": "1"}).body
        self.assertEqual(body["TotalCount"], 5)
        reverse = self.request("GET", spaces_path(org), self.owner.token,
                               query={"reverse": "true"}).body
        self.assertEqual([s["SpaceID"] for s in reverse["Items"]], made[::-1])
        self.assertError(self.request("GET", spaces_path(org), self.owner.token,
                                      query={"limit": "0"}), 400, "limit")


if __name__ == "__main__":
    main()
