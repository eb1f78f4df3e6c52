"""Rules under concurrency: page walks during writes, the last-OWNER rule
under racing demotions and deletions, If-Match as a compare-and-swap."""

import threading
from collections import Counter

from harness import ServerTestCase, etag, main, member_path, members_path, unique

STABLE = 320      # members that exist for the whole walk
VOLATILE = 80     # members the writers update and delete
WRITERS = 4


def run_threads(count, target):
    """Runs target(i) in count threads released together; answers their results."""
    barrier = threading.Barrier(count)
    results = [None] * count
    errors = []

    def body(i):
        try:
            barrier.wait(30)
            results[i] = target(i)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if errors:
        raise errors[0]
    return results


class PageWalkUnderWritesTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.api.new_user("walker")
        cls.org = cls.api.new_org(cls.owner)["OrganizationID"]
        cls.path = members_path(cls.org)
        seeded = run_threads(8, lambda i: [
            cls.api.invite(cls.org, cls.admin, Role="MEMBER" if j % 2 else "ADMIN",
                           Labels={"kind": "stable" if j < STABLE // 8 else "volatile",
                                   "n": str(j)})
            for j in range((STABLE + VOLATILE) // 8)])
        rows = [m for batch in seeded for m in batch]
        cls.stable = [m for m in rows if m["Labels"]["kind"] == "stable"]
        cls.volatile = [m for m in rows if m["Labels"]["kind"] == "volatile"]
        cls.deleted = set()
        assert len(cls.stable) == STABLE and len(cls.volatile) == VOLATILE

    def write_while(self, walk):
        """Runs walk() while WRITERS threads insert, update (stable and volatile
        members: Role and Labels) and delete volatile members."""
        stop = threading.Event()
        per_writer = [Counter() for _ in range(WRITERS)]  # += is not atomic across threads
        failures = []

        def writer(i):
            stats = per_writer[i]
            mine_stable = self.stable[i::WRITERS]
            mine_volatile = [m for m in self.volatile[i::WRITERS]
                             if m["OrganizationMemberID"] not in self.deleted]
            step = 0
            try:
                while not stop.is_set():
                    step += 1
                    kind = step % 4
                    if kind == 0:
                        self.api.invite(self.org, self.admin, Labels={"kind": "new"})
                        stats["insert"] += 1
                    elif kind == 1 or not mine_volatile:
                        self.flip(mine_stable[step % len(mine_stable)], step)
                        stats["update"] += 1
                    elif kind == 2:
                        self.flip(mine_volatile[step % len(mine_volatile)], step)
                        stats["update"] += 1
                    else:
                        victim = mine_volatile.pop()
                        self.deleted.add(victim["OrganizationMemberID"])
                        resp = self.request("DELETE", member_path(self.org, victim["OrganizationMemberID"]),
                                            self.admin)
                        if resp.status != 200:
                            failures.append(("DELETE", resp.status, resp.body))
                        stats["delete"] += 1
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for t in threads:
            t.start()
        try:
            result = walk()
        finally:
            stop.set()
            for t in threads:
                t.join(60)
        self.assertEqual(failures, [])
        stats = sum(per_writer, Counter())
        self.assertGreater(stats["update"], 8, "writers hardly ran: %r" % stats)
        return result

    def flip(self, member, step):
        """PATCH Role between ADMIN and MEMBER and a label, with the current version."""
        current = self.api.member(self.org, member["OrganizationMemberID"])
        role = "ADMIN" if current["Role"] == "MEMBER" else "MEMBER"
        self.api.patch(self.org, current, {"Role": role, "Labels": {"step": str(step)}})

    def check_walk(self, query):
        def walk():
            items, pages = self.api.walk(self.path, self.owner.token, query, limit=7,
                                         pause=0.01)
            return items, pages
        items, pages = self.write_while(walk)
        self.assertGreater(pages, STABLE // 7)
        counts = Counter(m["OrganizationMemberID"] for m in items)
        twice = [k for k, n in counts.items() if n > 1]
        self.assertEqual(twice, [], "listed more than once")
        missing = [m["OrganizationMemberID"] for m in self.stable
                   if m["OrganizationMemberID"] not in counts]
        self.assertEqual(missing, [], "stable members missing from the walk")

    def test_walk_in_default_order(self):
        self.check_walk({})

    # Every page of a walk reads the store as it was at the first page, so a
    # record whose order_by key moves mid-walk is still listed exactly once.
    def test_walk_ordered_by_a_changing_field(self):
        self.check_walk({"order_by": "DESC:Role,ASC:Email"})

    def test_walk_with_where_on_a_changing_field(self):
        # every stable member matches whatever its Role: Role is flipped, the filter is not on it
        self.check_walk({"where": "Labels.kind = 'stable' OR Role IN ('ADMIN', 'MEMBER')"})


class LastOwnerRaceTest(ServerTestCase):

    def owner_count(self, org):
        items, _ = self.api.walk(members_path(org), self.admin,
                                 limit=1000)
        return sum(1 for m in items if m["Role"] == "OWNER" and m["Status"] == "active")

    def check_consistent(self, org):
        items, _ = self.api.walk(members_path(org), self.admin, limit=1000)
        for m in items:
            one = self.request("GET", member_path(org, m["OrganizationMemberID"]), self.admin)
            self.assertStatus(one, 200)
            self.assertEqual(one.body, m)
            self.assertEqual(one.headers.get("ETag"), etag(m["Version"]))
        return items

    def test_demote_and_delete_two_owners(self):
        for _ in range(3):
            first = self.api.new_user("own1")
            org = self.api.new_org(first)["OrganizationID"]
            second, row2 = self.api.add_member(org, first.token, "OWNER", "own2")
            row1 = self.api.find_member(org, first.id)
            rows = [row1, row2]
            users = [first, second]
            stop = threading.Event()
            zero_seen = []

            def monitor():
                while not stop.is_set():
                    resp = self.request("GET", members_path(org), self.admin,
                                        query={"where": "Role = 'OWNER' AND Status = 'active'"})
                    if resp.status == 200 and not resp.body["Items"]:
                        zero_seen.append(resp.body)

            def attack(i):
                target = rows[(i // 4) % 2]
                path = member_path(org, target["OrganizationMemberID"])
                token = [self.admin, users[0].token, users[1].token][i % 3]
                if i % 4 == 0:
                    return self.request("DELETE", path, token).status
                if i % 4 == 1:
                    return self.request("PATCH", path, token, {"Role": "ADMIN"},
                                        {"If-Match": etag(target["Version"])}).status
                if i % 4 == 2:
                    return self.request("PUT", path, token, {"Role": "MEMBER"},
                                        {"If-Match": etag(target["Version"])}).status
                return self.request("DELETE", "/me/memberships/" + org,
                                    users[(i // 4) % 2].token).status

            watcher = threading.Thread(target=monitor)
            watcher.start()
            try:
                statuses = run_threads(20, attack)
            finally:
                stop.set()
                watcher.join(30)
            self.assertEqual(zero_seen, [], "a list showed no active OWNER")
            self.assertLessEqual(set(statuses), {200, 403, 404, 412, 422}, statuses)
            self.assertGreaterEqual(statuses.count(200), 1, statuses)
            self.assertGreaterEqual(statuses.count(422), 1, statuses)
            items = self.check_consistent(org)
            owners = [m for m in items if m["Role"] == "OWNER" and m["Status"] == "active"]
            self.assertEqual(len(owners), 1, items)
            self.assertEqual(self.owner_count(org), 1)

    def test_concurrent_transfers_keep_one_owner_path(self):
        owner = self.api.new_user("tr")
        org = self.api.new_org(owner)["OrganizationID"]
        targets = [self.api.add_member(org, owner.token, "MEMBER", "trm")[1] for _ in range(5)]
        statuses = run_threads(10, lambda i: self.request(
            "POST", member_path(org, targets[i % 5]["OrganizationMemberID"]) + "/transfer_ownership",
            owner.token).status)
        self.assertEqual(statuses.count(200), 1, statuses)
        self.assertLessEqual(set(statuses), {200, 403}, statuses)
        self.assertEqual(self.owner_count(org), 1)
        self.check_consistent(org)


class PatchDeleteRaceTest(ServerTestCase):
    """Its own server: a crash here must not take the other tests down."""

    def test_patch_racing_delete_of_one_member(self):
        owner = self.api.new_user("pd")
        org = self.api.new_org(owner)["OrganizationID"]
        for round_ in range(30):
            target = self.api.invite(org, owner.token)
            path = member_path(org, target["OrganizationMemberID"])
            answers = run_threads(2, lambda i: self.request(
                "DELETE", path, owner.token) if i else self.request(
                "PATCH", path, owner.token, {"Labels": {"r": str(round_)}},
                {"If-Match": etag(target["Version"])}))
            delete, patch = answers[1], answers[0]
            self.assertStatus(delete, 200, "DELETE")
            self.assertIn(patch.status, (200, 404), patch.body)
            self.assertError(self.request("GET", path, owner.token), 404)


class CompareAndSwapTest(ServerTestCase):

    def test_twenty_patches_with_one_if_match(self):
        owner = self.api.new_user("cas")
        org = self.api.new_org(owner)["OrganizationID"]
        target = self.api.invite(org, owner.token)
        path = member_path(org, target["OrganizationMemberID"])
        answers = run_threads(20, lambda i: self.request(
            "PATCH", path, owner.token, {"Labels": {"writer": str(i)}},
            {"If-Match": etag(target["Version"])}))
        statuses = sorted(a.status for a in answers)
        self.assertEqual(statuses, [200] + [412] * 19)
        winner = next(a.body for a in answers if a.status == 200)
        got = self.api.member(org, target["OrganizationMemberID"])
        self.assertEqual(got["Version"], 2)
        self.assertEqual(got, winner)

    def test_twenty_invites_of_one_email(self):
        owner = self.api.new_user("inv")
        org = self.api.new_org(owner)["OrganizationID"]
        email = unique("same") + "@example.test"
        statuses = run_threads(20, lambda i: self.request(
            "POST", members_path(org), owner.token,
            {"Email": email.upper() if i % 2 else email}).status)
        self.assertEqual(sorted(statuses), [201] + [409] * 19)
        items, _ = self.api.walk(members_path(org), owner.token)
        self.assertEqual(len(items), 2)

    def test_concurrent_accepts(self):
        owner = self.api.new_user("acc")
        org = self.api.new_org(owner)["OrganizationID"]
        user = self.api.new_user("joiner")
        invitation = self.api.invite(org, owner.token, email=user.email)
        answers = run_threads(10, lambda i: self.request("POST", "/me/memberships/" + org,
                                                         user.token))
        self.assertIn(200, [a.status for a in answers])
        got = self.api.member(org, invitation["OrganizationMemberID"])
        self.assertEqual(got["Status"], "active")
        self.assertEqual(got["Version"], 2, "accepting more than once bumped the version")


if __name__ == "__main__":
    main()
