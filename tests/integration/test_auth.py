"""Authentication: bearer tokens, the admin token, 401/403 on the common routes."""

from harness import ServerTestCase, main, members_path, org_path


class AuthTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls.api.new_user("auth")
        cls.org = cls.api.new_org(cls.user)

    def protected_routes(self):
        org = self.org["OrganizationID"]
        return [
            ("GET", "/me"),
            ("GET", "/me/memberships"),
            ("GET", "/me/memberships/" + org),
            ("GET", "/organization"),
            ("GET", org_path(org)),
            ("GET", members_path(org)),
            ("POST", "/user"),
            ("POST", "/organization"),
        ]

    def test_no_token_is_401(self):
        for method, path in self.protected_routes():
            with self.subTest(method=method, path=path):
                self.assertError(self.request(method, path), 401)

    def test_unknown_token_is_401(self):
        for method, path in self.protected_routes():
            with self.subTest(method=method, path=path):
                self.assertError(self.request(method, path, token="not-a-token"), 401)

    def test_malformed_authorization_is_401(self):
        for value in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", self.user.token,
                      "Token " + self.user.token]:
            with self.subTest(authorization=value):
                resp = self.request("GET", "/me", headers={"Authorization": value})
                self.assertError(resp, 401)

    def test_token_of_other_case_is_401(self):
        swapped = self.user.token.swapcase()
        if swapped == self.user.token:
            self.skipTest("token has no letters")
        self.assertError(self.request("GET", "/me", token=swapped), 401)

    def test_me_answers_the_caller(self):
        resp = self.request("GET", "/me", token=self.user.token)
        self.assertStatus(resp, 200)
        for field in ("UserID", "Username", "Email", "DisplayName"):
            self.assertEqual(resp.body.get(field), self.user.record[field], field)
        self.assertNotIn("Token", resp.body, "a token is shown only once")

    def test_admin_token_is_not_a_user(self):
        org = self.org["OrganizationID"]
        for method, path in [("GET", "/me"), ("GET", "/me/memberships"),
                             ("GET", "/me/memberships/" + org),
                             ("POST", "/me/memberships/" + org),
                             ("DELETE", "/me/memberships/" + org)]:
            with self.subTest(method=method, path=path):
                self.assertError(self.request(method, path, token=self.admin), 403)

    def test_admin_token_cannot_create_organizations(self):
        resp = self.request("POST", "/organization", token=self.admin,
                            body={"DisplayName": "by admin"})
        self.assertError(resp, 403)

    def test_admin_token_reads_everything(self):
        org = self.org["OrganizationID"]
        self.assertStatus(self.request("GET", org_path(org), token=self.admin), 200)
        self.assertStatus(self.request("GET", members_path(org), token=self.admin), 200)

    def test_user_token_cannot_create_users(self):
        resp = self.request("POST", "/user", token=self.user.token,
                            body={"Username": "x", "Email": "x@example.test", "DisplayName": "x"})
        self.assertError(resp, 403)

    def test_user_token_cannot_issue_tokens(self):
        resp = self.request("POST", "/user/%s/token" % self.user.id, token=self.user.token)
        self.assertError(resp, 403)

    def test_new_token_works_and_old_one_too(self):
        user = self.api.new_user("tokens")
        resp = self.request("POST", "/user/%s/token" % user.id, token=self.admin)
        self.assertStatus(resp, 201)
        self.assertEqual(resp.body.get("UserID"), user.id)
        second = resp.body.get("Token")
        self.assertIsInstance(second, str)
        self.assertNotEqual(second, user.token)
        for token in (user.token, second):
            me = self.request("GET", "/me", token=token)
            self.assertStatus(me, 200)
            self.assertEqual(me.body["UserID"], user.id)

    def test_token_for_unknown_user_is_404(self):
        resp = self.request("POST", "/user/00000000-0000-4000-8000-000000000000/token",
                            token=self.admin)
        self.assertError(resp, 404)


if __name__ == "__main__":
    main()
