"""The invited user's side: /me/memberships, accept, decline, leave."""

from harness import ServerTestCase, main, member_path, members_path, unique

ME = "/me/memberships"


class InvitationTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.api.new_user("owner")

    def setUp(self):
        self.org = self.api.new_org(self.owner)["OrganizationID"]

    def invited_user(self, **invite_fields):
        """A user with upper-case letters in the invitation's email."""
        user = self.api.new_user("guest", Slug=unique("slug"),
                                 ProfilePictureURL="https://example.test/%s.png" % unique("p"))
        invitation = self.api.invite(self.org, self.owner.token, email=user.email.upper(),
                                     **invite_fields)
        return user, invitation

    def test_pending_invitation_is_listed(self):
        user, invitation = self.invited_user()
        for query in ({}, {"status": "pending"}):
            with self.subTest(query=query):
                resp = self.request("GET", ME, user.token, query=query)
                self.assertStatus(resp, 200)
                ids = [m["OrganizationMemberID"] for m in resp.body["Items"]]
                self.assertEqual(ids, [invitation["OrganizationMemberID"]])
        resp = self.request("GET", ME, user.token, query={"status": "active"})
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["Items"], [])
        one = self.request("GET", ME + "/" + self.org, user.token)
        self.assertStatus(one, 200)
        self.assertEqual(one.body["OrganizationMemberID"], invitation["OrganizationMemberID"])
        self.assertEqual(one.body["Status"], "pending")

    def test_accept_binds_the_user(self):
        user, invitation = self.invited_user(Role="ADMIN", Labels={"k": "v"})
        resp = self.request("POST", ME + "/" + self.org, user.token)
        self.assertStatus(resp, 200)
        m = resp.body
        self.assertEqual(m["OrganizationMemberID"], invitation["OrganizationMemberID"])
        self.assertEqual(m["Status"], "active")
        self.assertEqual(m["UserID"], user.id)
        for field in ("Username", "DisplayName", "Slug", "ProfilePictureURL"):
            self.assertEqual(m[field], user.record[field], field)
        self.assertEqual(m["Role"], "ADMIN")
        self.assertEqual(m["Labels"], {"k": "v"})
        self.assertEqual(m["Version"], invitation["Version"] + 1)
        seen = self.api.member(self.org, m["OrganizationMemberID"], self.owner.token)
        self.assertEqual(seen, m)
        listed = self.request("GET", ME, user.token, query={"status": "active"}).body["Items"]
        self.assertEqual([x["OrganizationMemberID"] for x in listed], [m["OrganizationMemberID"]])
        self.assertStatus(self.request("GET", "/organization/" + self.org, user.token), 200)

    def test_accept_gives_the_role(self):
        user, _ = self.invited_user(Role="ADMIN")
        self.api.accept(self.org, user)
        self.api.invite(self.org, user.token)  # an ADMIN may invite

    def test_accept_without_invitation_is_404(self):
        stranger = self.api.new_user("stranger")
        self.assertError(self.request("POST", ME + "/" + self.org, stranger.token), 404)
        self.assertError(self.request("GET", ME + "/" + self.org, stranger.token), 404)
        self.assertError(self.request("DELETE", ME + "/" + self.org, stranger.token), 404)

    def test_other_users_do_not_see_the_invitation(self):
        self.invited_user()
        other = self.api.new_user("other")
        resp = self.request("GET", ME, other.token)
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["Items"], [])

    def test_decline(self):
        user, invitation = self.invited_user()
        self.assertDeleted(self.request("DELETE", ME + "/" + self.org, user.token))
        self.assertEqual(self.request("GET", ME, user.token).body["Items"], [])
        self.assertError(self.request("GET", member_path(self.org, invitation["OrganizationMemberID"]),
                                      self.owner.token), 404)

    def test_leave(self):
        user, _ = self.invited_user()
        self.api.accept(self.org, user)
        self.assertDeleted(self.request("DELETE", ME + "/" + self.org, user.token))
        self.assertError(self.request("GET", "/organization/" + self.org, user.token), 404)
        items, _ = self.api.walk(members_path(self.org), self.owner.token)
        self.assertNotIn(user.id, [m["UserID"] for m in items])

    def test_last_owner_cannot_leave(self):
        self.assertError(self.request("DELETE", ME + "/" + self.org, self.owner.token), 422)
        self.assertStatus(self.request("GET", "/organization/" + self.org, self.owner.token), 200)

    def test_include_organization(self):
        user, _ = self.invited_user()
        resp = self.request("GET", ME, user.token, query={"include": "organization"})
        self.assertStatus(resp, 200)
        (m,) = resp.body["Items"]
        self.assertEqual(m["Organization"]["OrganizationID"], self.org)
        self.assertIn("DisplayName", m["Organization"])
        plain = self.request("GET", ME, user.token).body["Items"][0]
        self.assertNotIn("Organization", plain)


class MyMembershipsPagingTest(ServerTestCase):
    """One user with 23 memberships: 12 active, 11 pending."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls.api.new_user("many")
        owner = cls.api.new_user("owner")
        cls.expected = []
        for i in range(23):
            org = cls.api.new_org(owner)["OrganizationID"]
            m = cls.api.invite(org, owner.token, email=cls.user.email)
            if i % 2 == 0:
                m = cls.api.accept(org, cls.user)
            cls.expected.append(m)

    def walk(self, limit=None, **query):
        items, pages, token = [], 0, None
        while True:
            q = dict(query)
            if limit is not None:
                q["limit"] = str(limit)
            if token:
                q["page_token"] = token
            resp = self.request("GET", ME, self.user.token, query=q)
            self.assertStatus(resp, 200)
            items.extend(resp.body["Items"])
            pages += 1
            token = resp.body.get("NextPageToken")
            if not token:
                return items, pages

    def test_default_limit_is_10(self):
        resp = self.request("GET", ME, self.user.token)
        self.assertStatus(resp, 200)
        self.assertEqual(len(resp.body["Items"]), 10)
        self.assertIn("NextPageToken", resp.body)

    def test_limit_bounds(self):
        for limit in ("0", "101", "-1", "abc"):
            with self.subTest(limit=limit):
                self.assertError(self.request("GET", ME, self.user.token, query={"limit": limit}), 400)
        for limit in ("1", "100"):
            self.assertStatus(self.request("GET", ME, self.user.token, query={"limit": limit}), 200)

    def test_walk_returns_everything_once(self):
        items, pages = self.walk(limit=4)
        self.assertEqual(pages, 6)
        ids = [m["OrganizationMemberID"] for m in items]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(set(ids), {m["OrganizationMemberID"] for m in self.expected})

    def test_reverse(self):
        forward, _ = self.walk(limit=5)
        backward, _ = self.walk(limit=5, reverse="true")
        self.assertEqual([m["OrganizationMemberID"] for m in backward],
                         [m["OrganizationMemberID"] for m in reversed(forward)])

    def test_status_filter(self):
        active, _ = self.walk(limit=100, status="active")
        pending, _ = self.walk(limit=100, status="pending")
        self.assertEqual(len(active), 12)
        self.assertEqual(len(pending), 11)
        self.assertTrue(all(m["Status"] == "active" for m in active))
        self.assertTrue(all(m["Status"] == "pending" for m in pending))
        self.assertError(self.request("GET", ME, self.user.token, query={"status": "gone"}), 400)

    def test_include_organization_on_every_page(self):
        items, _ = self.walk(limit=7, include="organization")
        self.assertEqual(len(items), 23)
        for m in items:
            self.assertEqual(m["Organization"]["OrganizationID"], m["OrganizationID"])

    def test_bad_page_token_is_400(self):
        resp = self.request("GET", ME, self.user.token, query={"page_token": "garbage!!"})
        self.assertError(resp, 400)


if __name__ == "__main__":
    main()
