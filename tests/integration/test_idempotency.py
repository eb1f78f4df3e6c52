"""Idempotency-Key on every POST that creates something: the same key and body
answer the first answer (Idempotent-Replayed: true), another body is 422, the
scope is caller + route + key, and keys survive a restart."""

import uuid

from harness import (ADMIN_TOKEN, ServerTestCase, filters_path, main, members_path,
                     space_members_path, spaces_path, unique)


class IdempotencyTestBase(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.space_with_roles()

    def post(self, path, token, body, key, raw_body=None):
        headers = {"Idempotency-Key": key}
        if raw_body is not None:
            headers["Content-Type"] = "application/json"
        return self.request("POST", path, token, body, headers, raw_body=raw_body)

    def assertReplays(self, path, token, body, other_body, id_field):
        """First 201, the same again replayed, another body 422, another key new."""
        key = str(uuid.uuid4())
        first = self.post(path, token, body(), key)
        self.assertStatus(first, 201)
        self.assertNotIn("Idempotent-Replayed", first.headers)
        again = self.post(path, token, body(), key)
        self.assertStatus(again, 201)
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(again.body[id_field], first.body[id_field])
        if "Version" in first.body:
            self.assertETag(again, first.body["Version"])
        self.assertError(self.post(path, token, other_body(), key), 422)
        fresh = self.post(path, token, other_body(), str(uuid.uuid4()))
        self.assertStatus(fresh, 201)
        self.assertNotEqual(fresh.body[id_field], first.body[id_field])
        return first, again


def constant(value):
    return lambda: value


class CreateRoutesTest(IdempotencyTestBase):

    def test_post_organization(self):
        first, again = self.assertReplays("/organization", self.o.owner.token,
                                          constant({"DisplayName": "idem"}),
                                          constant({"DisplayName": "other"}), "OrganizationID")
        self.assertEqual(again.body, first.body)

    def test_post_organization_member(self):
        email = unique("idem") + "@example.test"
        first, again = self.assertReplays(members_path(self.o.id), self.o.admin.token,
                                          constant({"Email": email}),
                                          lambda: {"Email": unique("o") + "@example.test"},
                                          "OrganizationMemberID")
        self.assertEqual(again.body, first.body)

    def test_post_space(self):
        first, again = self.assertReplays(spaces_path(self.o.id), self.o.owner.token,
                                          constant({"DisplayName": "idem"}),
                                          constant({"DisplayName": "other"}), "SpaceID")
        self.assertEqual(again.body, first.body)

    def test_post_space_member(self):
        def invited():
            return {"Email": self.api.invite(self.o.id, self.o.owner.token)["Email"]}
        body = invited()
        first, again = self.assertReplays(space_members_path(self.o.space_id),
                                          self.o.owner.token, constant(body), invited,
                                          "SpaceMemberID")
        self.assertEqual(again.body, first.body)

    def test_post_space_member_as_a_space_admin(self):
        def active():
            return {"Email": self.api.add_member(self.o.id, self.o.owner.token)[0].email}
        body = active()
        first, again = self.assertReplays(space_members_path(self.o.space_id),
                                          self.o.space_admin.token, constant(body), active,
                                          "SpaceMemberID")
        self.assertEqual(again.body, first.body)
        self.assertNotIn("Email", again.body)  # the organization MEMBER's view

    def test_post_filter(self):
        slug = unique("idem")
        first, again = self.assertReplays(filters_path(self.o.id), self.o.owner.token,
                                          constant({"Slug": slug, "Where": "Role = 'ADMIN'"}),
                                          lambda: {"Slug": unique("o"), "Where": ""}, "FilterID")
        self.assertEqual(again.body, first.body)

    def test_post_user_replays_the_user_without_its_token(self):
        name = unique("idem")
        first, again = self.assertReplays(
            "/user", ADMIN_TOKEN,
            constant({"Username": name, "Email": name + "@example.test"}),
            lambda: {"Username": unique("o"), "Email": unique("o") + "@example.test"}, "UserID")
        self.assertIn("Token", first.body)
        self.assertNotIn("Token", again.body)
        first.body.pop("Token")
        self.assertEqual(again.body, first.body)

    def test_post_user_token_replays_a_409(self):
        path = "/user/%s/token" % self.o.outsider.id
        key = str(uuid.uuid4())
        first = self.post(path, ADMIN_TOKEN, None, key)
        self.assertStatus(first, 201)
        self.assertEqual(set(first.body), {"UserID", "Token"})
        again = self.post(path, ADMIN_TOKEN, None, key)
        self.assertError(again, 409, ["Idempotency-Key", "shown only once", "new key"])
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        self.assertError(self.post(path, ADMIN_TOKEN, None, key, raw_body=b"{}"), 422)
        new = self.post(path, ADMIN_TOKEN, None, str(uuid.uuid4()))
        self.assertStatus(new, 201)
        self.assertNotEqual(new.body["Token"], first.body["Token"])
        me = self.request("GET", "/me", first.body["Token"])
        self.assertStatus(me, 200)


class ScopeTest(IdempotencyTestBase):

    def test_the_same_key_by_another_caller_is_another_request(self):
        key = str(uuid.uuid4())
        body = {"DisplayName": "shared key"}
        mine = self.post(spaces_path(self.o.id), self.o.owner.token, body, key)
        theirs = self.post(spaces_path(self.o.id), self.o.admin.token, body, key)
        self.assertStatus(mine, 201)
        self.assertStatus(theirs, 201)
        self.assertNotIn("Idempotent-Replayed", theirs.headers)
        self.assertNotEqual(mine.body["SpaceID"], theirs.body["SpaceID"])

    def test_the_same_key_on_another_route_is_another_request(self):
        key = str(uuid.uuid4())
        other = self.api.new_org(self.o.owner)["OrganizationID"]
        for path in (spaces_path(self.o.id), spaces_path(other)):
            resp = self.post(path, self.o.owner.token, {"DisplayName": "same body"}, key)
            self.assertStatus(resp, 201)
            self.assertNotIn("Idempotent-Replayed", resp.headers)
        filt = self.post(filters_path(self.o.id), self.o.owner.token,
                         {"Slug": unique("k"), "Where": ""}, key)
        self.assertStatus(filt, 201)

    def test_every_spelling_of_one_path_is_one_scope(self):
        key = str(uuid.uuid4())
        body = {"DisplayName": "one space"}
        first = self.post(spaces_path(self.o.id), self.o.owner.token, body, key)
        self.assertStatus(first, 201)
        for spelling in (self.o.id.upper(), self.o.id.replace("-", "")):
            with self.subTest(spelling=spelling):
                again = self.post(spaces_path(spelling), self.o.owner.token, body, key)
                self.assertStatus(again, 201)
                self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
                self.assertEqual(again.body["SpaceID"], first.body["SpaceID"])
        spaces = self.request("GET", spaces_path(self.o.id), self.o.owner.token,
                              query={"limit": "1000"}).body["Items"]
        self.assertEqual([s["SpaceID"] for s in spaces if s["DisplayName"] == "one space"],
                         [first.body["SpaceID"]])

    def test_a_refused_create_stores_nothing(self):
        key = str(uuid.uuid4())
        body = {"DisplayName": "by a member"}
        self.assertError(self.post(spaces_path(self.o.id), self.o.member.token, body, key), 403)
        self.assertError(self.post(spaces_path(self.o.id), self.o.member.token, body, key), 403)


class RestartTest(IdempotencyTestBase):

    def test_keys_survive_a_restart(self):
        key = str(uuid.uuid4())
        path = space_members_path(self.o.space_id)
        email = self.api.invite(self.o.id, self.o.owner.token)["Email"]
        first = self.post(path, self.o.owner.token, {"Email": email}, key)
        self.assertStatus(first, 201)
        self.server.restart()
        again = self.post(path, self.o.owner.token, {"Email": email}, key)
        self.assertStatus(again, 201)
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(again.body, first.body)


if __name__ == "__main__":
    main()
