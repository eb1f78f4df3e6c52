"""POST /user, POST /organization, GET /organization[/{org}]."""

import json

from harness import ServerTestCase, main, members_path, org_path, unique

USER_FIELDS = ("UserID", "Username", "Email", "DisplayName", "Slug", "ExternalID",
               "ProfilePictureURL", "CreatedAt", "UpdatedAt")
ORG_FIELDS = ("OrganizationID", "Slug", "DisplayName", "ExternalOrganizationID",
              "CreatedAt", "UpdatedAt", "Version")


class UsersTest(ServerTestCase):

    def user_body(self, **extra):
        name = unique("u")
        body = {"Username": name, "Email": name + "@example.test", "DisplayName": "D " + name}
        body.update(extra)
        return body

    def test_create_user_answers_the_user_and_a_token(self):
        body = self.user_body(Slug="slug-x", ExternalID="ext-1",
                              ProfilePictureURL="https://example.test/p.png")
        resp = self.request("POST", "/user", self.admin, body)
        self.assertStatus(resp, 201)
        for field in USER_FIELDS:
            self.assertIn(field, resp.body)
        for field, value in body.items():
            self.assertEqual(resp.body[field], value, field)
        self.assertIsInstance(resp.body.get("Token"), str)
        self.assertTrue(resp.body["Token"])
        me = self.request("GET", "/me", resp.body["Token"])
        self.assertStatus(me, 200)
        self.assertEqual(me.body["UserID"], resp.body["UserID"])

    def test_user_ids_differ(self):
        a = self.request("POST", "/user", self.admin, self.user_body()).body
        b = self.request("POST", "/user", self.admin, self.user_body()).body
        self.assertNotEqual(a["UserID"], b["UserID"])
        self.assertNotEqual(a["Token"], b["Token"])

    def test_unknown_field_is_400_naming_it(self):
        resp = self.request("POST", "/user", self.admin, self.user_body(Nickname="x"))
        self.assertError(resp, 400, "Nickname")

    def test_wrong_type_is_400_naming_the_field(self):
        for field, value in [("Username", 5), ("Email", ["a@b"]), ("DisplayName", True),
                             ("Slug", {"a": 1}), ("ExternalID", 3.5)]:
            with self.subTest(field=field):
                resp = self.request("POST", "/user", self.admin, self.user_body(**{field: value}))
                self.assertError(resp, 400, field)

    def test_missing_email_is_400(self):
        body = self.user_body()
        del body["Email"]
        self.assertError(self.request("POST", "/user", self.admin, body), 400)

    def test_body_not_an_object_is_400(self):
        for body in ([], "text", 42, None):
            with self.subTest(body=body):
                resp = self.request("POST", "/user", self.admin,
                                    raw_body=json.dumps(body).encode(),
                                    headers={"Content-Type": "application/json"})
                self.assertError(resp, 400)

    def test_not_json_content_type_is_415(self):
        for ctype in ("text/plain", "application/x-www-form-urlencoded"):
            with self.subTest(content_type=ctype):
                resp = self.request("POST", "/user", self.admin,
                                    raw_body=json.dumps(self.user_body()).encode(),
                                    headers={"Content-Type": ctype})
                self.assertError(resp, 415)


class OrganizationsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = cls.api.new_user("alice")
        cls.bob = cls.api.new_user("bob")

    def test_create_answers_version_1_and_etag(self):
        resp = self.request("POST", "/organization", self.alice.token,
                            {"DisplayName": "Acme", "Slug": unique("acme"),
                             "ExternalOrganizationID": "ext-acme"})
        self.assertStatus(resp, 201)
        for field in ORG_FIELDS:
            self.assertIn(field, resp.body)
        self.assertEqual(resp.body["DisplayName"], "Acme")
        self.assertEqual(resp.body["ExternalOrganizationID"], "ext-acme")
        self.assertEqual(resp.body["Version"], 1)
        self.assertETag(resp, 1)

    def test_creator_becomes_active_owner(self):
        org = self.api.new_org(self.alice)
        items, _ = self.api.walk(members_path(org["OrganizationID"]), self.alice.token)
        self.assertEqual(len(items), 1, items)
        row = items[0]
        self.assertEqual(row["UserID"], self.alice.id)
        self.assertEqual(row["Role"], "OWNER")
        self.assertEqual(row["Status"], "active")
        self.assertEqual(row["Username"], self.alice.username)
        self.assertEqual(row["Email"], self.alice.email)
        self.assertEqual(row["OrganizationID"], org["OrganizationID"])

    def test_get_one(self):
        org = self.api.new_org(self.alice)
        resp = self.request("GET", org_path(org["OrganizationID"]), self.alice.token)
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["OrganizationID"], org["OrganizationID"])
        self.assertEqual(resp.body["DisplayName"], org["DisplayName"])
        self.assertETag(resp, 1)

    def test_non_member_gets_404(self):
        org = self.api.new_org(self.alice)
        self.assertError(self.request("GET", org_path(org["OrganizationID"]), self.bob.token), 404)
        self.assertError(self.request("GET", members_path(org["OrganizationID"]),
                                      self.bob.token), 404)

    def test_unknown_org_is_404(self):
        for token in (self.alice.token, self.admin):
            resp = self.request("GET", org_path("00000000-0000-4000-8000-000000000000"), token)
            self.assertError(resp, 404)

    def test_list_shows_only_active_memberships(self):
        carol = self.api.new_user("carol")
        own = self.api.new_org(carol)
        other = self.api.new_org(self.alice)
        invited = self.api.new_org(self.alice)
        self.api.invite(invited["OrganizationID"], self.alice.token, email=carol.email)
        joined = self.api.new_org(self.alice)
        self.api.invite(joined["OrganizationID"], self.alice.token, email=carol.email)
        self.api.accept(joined["OrganizationID"], carol)
        resp = self.request("GET", "/organization", carol.token)
        self.assertStatus(resp, 200)
        self.assertIsInstance(resp.body.get("Items"), list)
        ids = {o["OrganizationID"] for o in resp.body["Items"]}
        self.assertEqual(ids, {own["OrganizationID"], joined["OrganizationID"]})
        self.assertNotIn(other["OrganizationID"], ids)
        self.assertNotIn("NextPageToken", resp.body)
        self.assertNotIn("TotalCount", resp.body)

    def test_admin_token_lists_all(self):
        mine = [self.api.new_org(self.alice)["OrganizationID"],
                self.api.new_org(self.bob)["OrganizationID"]]
        items, _ = self.api.walk("/organization", self.admin, limit=1000)
        ids = [o["OrganizationID"] for o in items]
        self.assertEqual(len(ids), len(set(ids)), "an organization listed twice")
        for org_id in mine:
            self.assertIn(org_id, ids)

    def test_list_include_total(self):
        dave = self.api.new_user("dave")
        for _ in range(3):
            self.api.new_org(dave)
        resp = self.request("GET", "/organization", dave.token,
                            query={"include_total": "true", "limit": "2"})
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body.get("TotalCount"), 3)
        self.assertEqual(len(resp.body["Items"]), 2)
        self.assertIn("NextPageToken", resp.body)

    def test_create_rejects_bad_bodies(self):
        cases = [({"DisplayName": "x", "Bogus": 1}, "Bogus"),
                 ({"DisplayName": 7}, "DisplayName"),
                 ({"DisplayName": "x", "Slug": 3}, "Slug")]
        for body, field in cases:
            with self.subTest(body=body):
                self.assertError(self.request("POST", "/organization", self.alice.token, body),
                                 400, field)

    def test_create_not_json_is_415(self):
        resp = self.request("POST", "/organization", self.alice.token,
                            raw_body=b'{"DisplayName": "x"}',
                            headers={"Content-Type": "text/plain"})
        self.assertError(resp, 415)


if __name__ == "__main__":
    main()
