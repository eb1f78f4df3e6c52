"""Organization members: invite, get, PATCH/PUT/DELETE with If-Match,
transfer_ownership, the last-OWNER rule, Idempotency-Key."""

import uuid

from harness import (ServerTestCase, etag, main, member_path, members_path, unique)

USER_FIELDS_EMPTY = ("Username", "DisplayName", "Slug", "ProfilePictureURL")


class MembersTestBase(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.org_with_roles()
        cls.org = cls.o.id

    def fresh(self, **fields):
        """A new pending membership in the shared organization."""
        return self.api.invite(self.org, self.o.owner.token, **fields)

    def mpath(self, member):
        return member_path(self.org, member["OrganizationMemberID"])


class InviteTest(MembersTestBase):

    def test_invite_is_pending_with_empty_user_fields(self):
        email = unique("Inv") + "@Example.test"
        resp = self.request("POST", members_path(self.org), self.o.owner.token, {"Email": email})
        self.assertStatus(resp, 201)
        m = resp.body
        self.assertEqual(m["Status"], "pending")
        self.assertIsNone(m["UserID"])
        self.assertEqual(m["Email"], email)
        self.assertEqual(m["Role"], "MEMBER")
        self.assertEqual(m["OrganizationID"], self.org)
        self.assertEqual(m["Version"], 1)
        for field in USER_FIELDS_EMPTY:
            self.assertEqual(m.get(field), "", field)
        self.assertEqual(m["Labels"], {})
        self.assertEqual(m["RoleIDs"], [])
        self.assertIs(m["RequiredSSOAuth"], False)
        self.assertIs(m["RequiredMFAAuth"], False)
        self.assertETag(resp, 1)
        for field in ("CreatedAt", "CreatedBy", "UpdatedAt", "UpdatedBy"):
            self.assertIn(field, m)

    def test_invite_keeps_given_fields(self):
        role_id = str(uuid.uuid4())
        m = self.fresh(Role="ADMIN", Labels={"team": "core", "app.kubernetes.io/name": "x"},
                       RoleIDs=[role_id], RequiredSSOAuth=True, RequiredMFAAuth=True)
        self.assertEqual(m["Role"], "ADMIN")
        self.assertEqual(m["Labels"], {"team": "core", "app.kubernetes.io/name": "x"})
        self.assertEqual(m["RoleIDs"], [role_id])
        self.assertIs(m["RequiredSSOAuth"], True)
        self.assertIs(m["RequiredMFAAuth"], True)
        got = self.request("GET", self.mpath(m), self.o.owner.token)
        self.assertStatus(got, 200)
        self.assertEqual(got.body, m)
        self.assertETag(got, 1)

    def test_same_email_twice_is_409_case_insensitively(self):
        email = unique("dup") + "@example.test"
        self.api.invite(self.org, self.o.owner.token, email=email)
        resp = self.request("POST", members_path(self.org), self.o.owner.token,
                            {"Email": email.upper()})
        self.assertError(resp, 409)
        # an active member's email too
        resp = self.request("POST", members_path(self.org), self.o.owner.token,
                            {"Email": self.o.member.email.swapcase()})
        self.assertError(resp, 409)

    def test_same_email_in_another_org_is_fine(self):
        other = self.api.new_org(self.o.owner)
        self.api.invite(other["OrganizationID"], self.o.owner.token, email=self.o.member.email)

    def test_bad_bodies_are_400_naming_the_field(self):
        cases = [({"Email": "a@b.test", "Color": "red"}, "Color"),
                 ({"Email": 5}, "Email"),
                 ({"Email": "a@b.test", "Role": 1}, "Role"),
                 ({"Email": "a@b.test", "Role": "KING"}, "Role"),
                 ({"Email": "a@b.test", "Labels": ["x"]}, "Labels"),
                 ({"Email": "a@b.test", "Labels": {"k": 1}}, "Labels"),
                 ({"Email": "a@b.test", "RoleIDs": "x"}, "RoleIDs"),
                 ({"Email": "a@b.test", "RoleIDs": ["not-a-uuid"]}, "RoleIDs"),
                 ({"Email": "a@b.test", "RequiredSSOAuth": "yes"}, "RequiredSSOAuth"),
                 ({"Email": "a@b.test", "RequiredMFAAuth": 1}, "RequiredMFAAuth")]
        for body, field in cases:
            with self.subTest(body=body):
                resp = self.request("POST", members_path(self.org), self.o.owner.token, body)
                self.assertError(resp, 400, field)

    def test_missing_email_is_400(self):
        resp = self.request("POST", members_path(self.org), self.o.owner.token, {"Role": "MEMBER"})
        self.assertError(resp, 400)

    def test_unknown_member_is_404(self):
        resp = self.request("GET", member_path(self.org, str(uuid.uuid4())), self.o.owner.token)
        self.assertError(resp, 404)

    def test_member_of_another_org_is_404_here(self):
        other = self.api.new_org(self.o.owner)
        m = self.api.invite(other["OrganizationID"], self.o.owner.token)
        resp = self.request("GET", member_path(self.org, m["OrganizationMemberID"]),
                            self.o.owner.token)
        self.assertError(resp, 404)


class IdempotencyTest(MembersTestBase):

    def post(self, key, body, token=None):
        return self.request("POST", members_path(self.org), token or self.o.owner.token, body,
                            headers={"Idempotency-Key": key})

    def test_same_key_same_body_same_answer(self):
        key, body = unique("key"), {"Email": unique("idem") + "@example.test", "Role": "ADMIN"}
        first = self.post(key, body)
        self.assertStatus(first, 201)
        second = self.post(key, body)
        self.assertStatus(second, 201)
        self.assertEqual(second.body["OrganizationMemberID"], first.body["OrganizationMemberID"])
        items, _ = self.api.walk(members_path(self.org), self.admin,
                                 {"where": "Email = '%s'" % body["Email"]})
        self.assertEqual(len(items), 1)

    def test_same_key_other_body_is_422(self):
        key = unique("key")
        self.assertStatus(self.post(key, {"Email": unique("a") + "@example.test"}), 201)
        self.assertError(self.post(key, {"Email": unique("b") + "@example.test"}), 422)

    def test_replayed_error_is_replayed(self):
        key = unique("key")
        body = {"Email": self.o.member.email}
        self.assertError(self.post(key, body), 409)
        self.assertError(self.post(key, body), 409)

    def test_key_is_scoped_to_the_caller(self):
        key = unique("key")
        self.assertStatus(self.post(key, {"Email": unique("a") + "@example.test"}), 201)
        resp = self.post(key, {"Email": unique("b") + "@example.test"}, token=self.o.admin.token)
        self.assertStatus(resp, 201)


class UpdateTest(MembersTestBase):

    def send(self, method, member, body, if_match="auto", token=None, ctype=None):
        headers = {}
        if if_match == "auto":
            headers["If-Match"] = etag(member["Version"])
        elif if_match is not None:
            headers["If-Match"] = if_match
        if ctype:
            headers["Content-Type"] = ctype
        return self.request(method, self.mpath(member), token or self.o.owner.token, body,
                            headers=headers)

    def test_patch_without_if_match_is_428(self):
        m = self.fresh()
        for method in ("PATCH", "PUT"):
            self.assertError(self.send(method, m, {"Role": "ADMIN"}, if_match=None), 428)
        self.assertEqual(self.api.member(self.org, m["OrganizationMemberID"])["Version"], 1)

    def test_wrong_if_match_is_412(self):
        m = self.fresh()
        for method in ("PATCH", "PUT"):
            for value in ('"2"', "2", '"0"', '"abc"'):
                with self.subTest(method=method, if_match=value):
                    self.assertError(self.send(method, m, {"Role": "ADMIN"}, if_match=value), 412)
        got = self.api.member(self.org, m["OrganizationMemberID"])
        self.assertEqual((got["Version"], got["Role"]), (1, "MEMBER"))

    def test_if_match_star_matches_any_current_version(self):
        m = self.fresh()
        for method, body in (("PATCH", {"Role": "ADMIN"}), ("PUT", {"Role": "MEMBER"})):
            with self.subTest(method=method):
                resp = self.send(method, m, body, if_match="*")
                self.assertStatus(resp, 200)
                self.assertEqual(resp.body["Role"], body["Role"])
        self.assertETag(resp, 3)
        self.assertDeleted(self.send("DELETE", m, None, if_match="*"))
        self.assertError(self.send("PATCH", m, {"Role": "ADMIN"}, if_match="*"), 404)

    def test_patch_with_quoted_and_bare_if_match(self):
        m = self.fresh()
        resp = self.send("PATCH", m, {"Role": "ADMIN"}, if_match='"1"')
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["Role"], "ADMIN")
        self.assertEqual(resp.body["Version"], 2)
        self.assertETag(resp, 2)
        resp = self.send("PATCH", resp.body, {"Role": "MEMBER"}, if_match="2")
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["Version"], 3)
        self.assertETag(resp, 3)
        got = self.request("GET", self.mpath(m), self.o.owner.token)
        self.assertETag(got, 3)
        self.assertEqual(got.body, resp.body)

    def test_patch_is_a_merge_patch(self):
        role_id = str(uuid.uuid4())
        m = self.fresh(Labels={"a": "1", "b": "2"}, RoleIDs=[role_id], RequiredMFAAuth=True)
        resp = self.send("PATCH", m, {"Labels": {"a": None, "c": "3"}, "RequiredSSOAuth": True},
                         ctype="application/merge-patch+json")
        self.assertStatus(resp, 200)
        got = resp.body
        self.assertEqual(got["Labels"], {"b": "2", "c": "3"})
        self.assertEqual(got["RoleIDs"], [role_id])
        self.assertIs(got["RequiredSSOAuth"], True)
        self.assertIs(got["RequiredMFAAuth"], True)
        self.assertEqual(got["Role"], "MEMBER")
        self.assertEqual(got["Email"], m["Email"])
        self.assertEqual(got["CreatedAt"], m["CreatedAt"])
        self.assertEqual(got["Version"], 2)

    def test_patch_with_application_json(self):
        m = self.fresh()
        resp = self.send("PATCH", m, {"Labels": {"x": "y"}}, ctype="application/json")
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["Labels"], {"x": "y"})

    def test_patch_immutable_field_is_400_naming_it(self):
        m = self.fresh()
        for field, value in [("Email", "new@example.test"), ("Version", 7),
                             ("OrganizationMemberID", str(uuid.uuid4())),
                             ("Status", "active"), ("UserID", self.o.outsider.id),
                             ("Username", "x"), ("Frobnicate", 1)]:
            for method in ("PATCH", "PUT"):
                with self.subTest(method=method, field=field):
                    self.assertError(self.send(method, m, {field: value}), 400, field)
        self.assertEqual(self.api.member(self.org, m["OrganizationMemberID"])["Version"], 1)

    def test_refused_patch_changes_nothing(self):
        m = self.fresh(Labels={"keep": "me"})
        for method in ("PATCH", "PUT"):
            with self.subTest(method=method):
                resp = self.send(method, m, {"Labels": {"new": "x"}, "Role": "ADMIN",
                                             "Email": "other@example.test"})
                self.assertError(resp, 400, "Email")
        self.assertEqual(self.api.member(self.org, m["OrganizationMemberID"]), m)

    def test_patch_wrong_types_are_400(self):
        m = self.fresh()
        for field, value in [("Role", "KING"), ("Labels", "x"), ("RoleIDs", ["zz"]),
                             ("RequiredSSOAuth", "true")]:
            with self.subTest(field=field):
                self.assertError(self.send("PATCH", m, {field: value}), 400, field)

    def test_patch_not_json_is_415(self):
        m = self.fresh()
        resp = self.request("PATCH", self.mpath(m), self.o.owner.token,
                            raw_body=b'{"Role": "ADMIN"}',
                            headers={"Content-Type": "text/plain", "If-Match": '"1"'})
        self.assertError(resp, 415)

    def test_put_replaces_all_mutable_fields(self):
        m = self.fresh(Role="ADMIN", Labels={"a": "1"}, RoleIDs=[str(uuid.uuid4())],
                       RequiredSSOAuth=True, RequiredMFAAuth=True)
        resp = self.send("PUT", m, {"Labels": {"z": "9"}})
        self.assertStatus(resp, 200)
        got = resp.body
        self.assertEqual(got["Role"], "MEMBER")
        self.assertEqual(got["Labels"], {"z": "9"})
        self.assertEqual(got["RoleIDs"], [])
        self.assertIs(got["RequiredSSOAuth"], False)
        self.assertIs(got["RequiredMFAAuth"], False)
        self.assertEqual(got["Email"], m["Email"])
        self.assertEqual(got["Version"], 2)
        self.assertETag(resp, 2)

    def test_updated_by_is_the_caller(self):
        m = self.fresh()
        got = self.send("PATCH", m, {"Labels": {"k": "v"}}, token=self.o.admin.token).body
        self.assertEqual(got["UpdatedBy"], self.o.admin.id)
        self.assertEqual(got["CreatedBy"], self.o.owner.id)

    def test_delete(self):
        m = self.fresh()
        self.assertError(self.send("DELETE", m, None, if_match='"5"'), 412)
        self.assertStatus(self.request("GET", self.mpath(m), self.o.owner.token), 200)
        self.assertDeleted(self.send("DELETE", m, None, if_match='"1"'))
        self.assertError(self.request("GET", self.mpath(m), self.o.owner.token), 404)
        self.assertError(self.send("DELETE", m, None, if_match=None), 404)
        other = self.fresh()
        self.assertDeleted(self.send("DELETE", other, None, if_match=None))
        bare = self.fresh()
        self.assertError(self.send("DELETE", bare, None, if_match="2"), 412)
        self.assertDeleted(self.send("DELETE", bare, None, if_match="1"))

    def test_deleted_email_can_be_invited_again(self):
        email = unique("again") + "@example.test"
        m = self.api.invite(self.org, self.o.owner.token, email=email)
        self.assertDeleted(self.send("DELETE", m, None, if_match=None))
        again = self.api.invite(self.org, self.o.owner.token, email=email)
        self.assertNotEqual(again["OrganizationMemberID"], m["OrganizationMemberID"])

    def test_unknown_member_update_is_404(self):
        ghost = {"OrganizationMemberID": str(uuid.uuid4()), "Version": 1}
        self.assertError(self.send("PATCH", ghost, {"Role": "ADMIN"}), 404)
        self.assertError(self.send("DELETE", ghost, None, if_match=None), 404)


class OwnershipTest(ServerTestCase):
    """Each test gets its own organization: these change the OWNER."""

    def setUp(self):
        self.o = self.api.org_with_roles()

    def transfer(self, target, token):
        return self.request("POST", member_path(self.o.id, target["OrganizationMemberID"])
                            + "/transfer_ownership", token)

    def test_transfer_to_active_member(self):
        resp = self.transfer(self.o.member_row, self.o.owner.token)
        self.assertStatus(resp, 200)
        self.assertEqual(resp.body["OrganizationMemberID"], self.o.member_row["OrganizationMemberID"])
        self.assertEqual(resp.body["Role"], "OWNER")
        self.assertEqual(resp.body["Version"], self.o.member_row["Version"] + 1)
        old = self.api.member(self.o.id, self.o.owner_row["OrganizationMemberID"])
        self.assertEqual(old["Role"], "ADMIN")
        self.assertEqual(old["Version"], self.o.owner_row["Version"] + 1)
        # the new OWNER can now do OWNER things; the old one cannot transfer any more
        self.assertError(self.transfer(self.o.admin_row, self.o.owner.token), 403)
        self.assertStatus(self.transfer(self.o.owner_row, self.o.member.token), 200)

    def test_transfer_by_admin_or_member_is_403(self):
        self.assertError(self.transfer(self.o.member_row, self.o.admin.token), 403)
        self.assertError(self.transfer(self.o.admin_row, self.o.member.token), 403)
        self.assertEqual(self.api.member(self.o.id, self.o.owner_row["OrganizationMemberID"])
                         ["Role"], "OWNER")

    def test_transfer_to_pending_is_422(self):
        self.assertError(self.transfer(self.o.pending_row, self.o.owner.token), 422)
        self.assertEqual(self.api.member(self.o.id, self.o.owner_row["OrganizationMemberID"])
                         ["Role"], "OWNER")

    def test_transfer_to_unknown_is_404(self):
        ghost = {"OrganizationMemberID": str(uuid.uuid4())}
        self.assertError(self.transfer(ghost, self.o.owner.token), 404)

    def test_transfer_by_outsider_is_404(self):
        self.assertError(self.transfer(self.o.member_row, self.o.outsider.token), 404)

    def test_last_owner_cannot_be_demoted_or_deleted(self):
        row = self.o.owner_row
        path = member_path(self.o.id, row["OrganizationMemberID"])
        if_match = {"If-Match": etag(row["Version"])}
        for who, token in (("owner", self.o.owner.token), ("admin token", self.admin)):
            with self.subTest(caller=who):
                self.assertError(self.request("PATCH", path, token, {"Role": "ADMIN"},
                                              headers=if_match), 422)
                self.assertError(self.request("PUT", path, token, {}, headers=if_match), 422)
                self.assertError(self.request("DELETE", path, token), 422)
        self.assertError(self.request("DELETE", "/me/memberships/" + self.o.id,
                                      self.o.owner.token), 422)
        got = self.api.member(self.o.id, row["OrganizationMemberID"])
        self.assertEqual((got["Role"], got["Status"], got["Version"]),
                         ("OWNER", "active", row["Version"]))

    def test_second_owner_can_then_be_removed(self):
        self.api.patch(self.o.id, self.o.admin_row, {"Role": "OWNER"}, self.o.owner.token)
        self.assertDeleted(self.request("DELETE", "/me/memberships/" + self.o.id, self.o.owner.token))
        self.assertError(self.request("GET", "/organization/" + self.o.id, self.o.owner.token), 404)
        self.assertError(self.request("DELETE", "/me/memberships/" + self.o.id, self.o.admin.token), 422)

    def test_pending_owner_does_not_count(self):
        pending_owner = self.api.invite(self.o.id, self.o.owner.token, Role="OWNER")
        self.assertEqual(pending_owner["Role"], "OWNER")
        row = self.o.owner_row
        resp = self.request("PATCH", member_path(self.o.id, row["OrganizationMemberID"]),
                            self.o.owner.token, {"Role": "MEMBER"},
                            headers={"If-Match": etag(row["Version"])})
        self.assertError(resp, 422)


if __name__ == "__main__":
    main()
