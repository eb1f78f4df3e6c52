"""SIGTERM exits 0, and a restart on the same data directory keeps users,
tokens, organizations, memberships and their versions."""

import threading

from harness import ServerTestCase, etag, main, member_path, members_path, org_path


class RestartTest(ServerTestCase):

    def snapshot(self, org_ids):
        """Everything the API shows about these organizations, as the admin sees it."""
        state = {}
        for org_id in org_ids:
            org = self.request("GET", org_path(org_id), self.admin)
            self.assertStatus(org, 200)
            items, _ = self.api.walk(members_path(org_id), self.admin, limit=1000)
            state[org_id] = (org.body, org.headers.get("ETag"), items)
        return state

    def check_tokens(self, users):
        for user, tokens in users:
            for token in tokens:
                me = self.request("GET", "/me", token)
                self.assertStatus(me, 200, "token of %s after restart" % user.username)
                self.assertEqual(me.body["UserID"], user.id)

    def test_restart_keeps_everything(self):
        owner = self.api.new_user("rowner", Slug="rowner-slug",
                                  ProfilePictureURL="https://example.test/o.png")
        second_token = self.api.call("POST", "/user/%s/token" % owner.id, self.admin,
                                     expect=201).body["Token"]
        org = self.api.new_org(owner)["OrganizationID"]
        other_org = self.api.new_org(owner)["OrganizationID"]
        admin, admin_row = self.api.add_member(org, owner.token, "ADMIN", "radmin",
                                               Labels={"team": "ops"})
        # a member changed a few times: Version 4
        row = self.api.patch(org, admin_row, {"Labels": {"team": "dev", "x": "1"}})
        row = self.api.patch(org, row, {"RequiredMFAAuth": True, "Labels": {"x": None}})
        self.assertEqual(row["Version"], 4)
        pending = self.api.invite(org, admin.token, Role="ADMIN",
                                  RoleIDs=["7c61626f-ddbe-41af-93f6-b69f4ab6d308"])
        gone = self.api.invite(org, owner.token)
        self.api.call("DELETE", member_path(org, gone["OrganizationMemberID"]), owner.token,
                      expect=200)
        invited = self.api.new_user("rinvited")
        self.api.invite(other_org, owner.token, email=invited.email)
        idem_key = "restart-key"
        idem_body = {"Email": "idem-restart@example.test"}
        first = self.api.call("POST", members_path(org), owner.token, idem_body, expect=201,
                              headers={"Idempotency-Key": idem_key}).body

        users = [(owner, [owner.token, second_token]), (admin, [admin.token]),
                 (invited, [invited.token])]
        before = self.snapshot([org, other_org])
        mine_before = self.request("GET", "/me/memberships", invited.token).body

        self.assertEqual(self.server.restart(), 0, "exit code after SIGTERM")

        self.assertEqual(self.request("GET", "/healthz").body, {"Status": "ok"})
        self.assertEqual(self.snapshot([org, other_org]), before)
        self.check_tokens(users)
        self.assertError(self.request("GET", "/me", "not-a-token"), 401)
        self.assertEqual(self.request("GET", "/me/memberships", invited.token).body, mine_before)
        self.assertError(self.request("GET", member_path(org, gone["OrganizationMemberID"]),
                                      owner.token), 404)
        got = self.request("GET", member_path(org, row["OrganizationMemberID"]), owner.token)
        self.assertEqual(got.body, row)
        self.assertEqual(got.headers.get("ETag"), etag(4))
        self.assertEqual(self.api.member(org, pending["OrganizationMemberID"]), pending)
        # Idempotency-Key survives too (kept >= 24 h)
        again = self.api.call("POST", members_path(org), owner.token, idem_body,
                              headers={"Idempotency-Key": idem_key}).body
        self.assertEqual(again.get("OrganizationMemberID"), first["OrganizationMemberID"])
        # the rules still hold, and writes continue from the recovered versions
        self.assertError(self.request("DELETE", "/me/memberships/" + org, owner.token), 422)
        row = self.api.patch(org, row, {"Role": "MEMBER"}, owner.token)
        self.assertEqual(row["Version"], 5)
        accepted = self.api.accept(other_org, invited)
        new_user = self.api.new_user("rafter")

        self.assertEqual(self.server.restart(), 0)

        self.assertEqual(self.api.member(org, row["OrganizationMemberID"]), row)
        self.assertEqual(self.api.member(other_org, accepted["OrganizationMemberID"]), accepted)
        self.check_tokens(users + [(new_user, [new_user.token])])
        self.assertStatus(self.request("GET", org_path(other_org), invited.token), 200)

    def test_restart_after_concurrent_writes(self):
        owner = self.api.new_user("rconc")
        org = self.api.new_org(owner)["OrganizationID"]
        created = []
        lock = threading.Lock()

        def writer(i):
            for j in range(25):
                m = self.api.invite(org, owner.token, Labels={"w": str(i), "j": str(j)})
                with lock:
                    created.append(m)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(len(created), 100)
        before = self.snapshot([org])
        self.assertEqual(self.server.restart(), 0)
        self.assertEqual(self.snapshot([org]), before)
        ids = {m["OrganizationMemberID"] for m in before[org][2]}
        self.assertLessEqual({m["OrganizationMemberID"] for m in created}, ids)


if __name__ == "__main__":
    main()
