"""List parameters on GET /organization/{org}/organization_member: where,
contains, limit, page_token, order_by, include_total, select, NDJSON."""

from harness import ServerTestCase, instant, main, members_path, ndjson_lines, unique

TEAMS = ("red", "blue", "green")


class ListTest(ServerTestCase):
    """An organization with an OWNER, 24 active members and 6 pending invitations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.api.new_user("lowner")
        cls.org = cls.api.new_org(cls.owner)["OrganizationID"]
        cls.path = members_path(cls.org)
        for i in range(24):
            cls.api.add_member(cls.org, cls.owner.token, "ADMIN" if i % 4 == 0 else "MEMBER",
                               prefix="lst%02d" % ((i * 7) % 24),
                               Labels={"team": TEAMS[i % 3], "idx": str(i)})
        for i in range(6):
            cls.api.invite(cls.org, cls.owner.token, Labels={"team": "red", "pending": "yes"})
        cls.all, _ = cls.api.walk(cls.path, cls.owner.token, limit=1000)
        assert len(cls.all) == 31, len(cls.all)

    def get(self, token=None, headers=None, **query):
        return self.request("GET", self.path, token or self.owner.token, query=query,
                            headers=headers)

    def ids(self, items):
        return [m["OrganizationMemberID"] for m in items]

    def test_envelope(self):
        resp = self.get()
        self.assertStatus(resp, 200)
        self.assertEqual(set(resp.body), {"Items"})
        self.assertEqual(len(resp.body["Items"]), 31)

    def test_limit_bounds(self):
        for limit in ("0", "1001", "-5", "ten"):
            with self.subTest(limit=limit):
                self.assertError(self.get(limit=limit), 400)
        for limit in ("1", "1000"):
            self.assertStatus(self.get(limit=limit), 200)

    def test_default_order_is_created_at(self):
        stamps = [instant(m["CreatedAt"]) for m in self.all]
        self.assertEqual(stamps, sorted(stamps))
        self.assertEqual(self.ids(self.all[:1]), [self.api.find_member(self.org, self.owner.id)
                                                  ["OrganizationMemberID"]])

    def test_page_walk_returns_everything_once(self):
        items, pages = self.api.walk(self.path, self.owner.token, limit=7)
        self.assertEqual(pages, 5)
        self.assertEqual(self.ids(items), self.ids(self.all))

    def test_last_page_has_no_token(self):
        resp = self.get(limit="31")
        self.assertNotIn("NextPageToken", resp.body)
        resp = self.get(limit="30")
        self.assertIn("NextPageToken", resp.body)
        last = self.get(limit="30", page_token=resp.body["NextPageToken"])
        self.assertStatus(last, 200)
        self.assertEqual(len(last.body["Items"]), 1)
        self.assertNotIn("NextPageToken", last.body)

    def test_limit_may_change_during_a_walk(self):
        first = self.get(limit="5").body
        rest = self.get(limit="100", page_token=first["NextPageToken"])
        self.assertStatus(rest, 200)
        self.assertEqual(self.ids(first["Items"] + rest.body["Items"]), self.ids(self.all))

    def test_page_token_bound_to_its_query(self):
        base = {"where": "Status = 'active'", "order_by": "ASC:Username",
                "select": "Username", "contains": "lst"}
        first = self.get(limit="3", **base)
        self.assertStatus(first, 200)
        token = first.body["NextPageToken"]
        self.assertStatus(self.get(limit="3", page_token=token, **base), 200)
        changes = {"where": "Status = 'pending'", "order_by": "DESC:Username",
                   "select": "Role", "contains": "lst0"}
        for key, value in changes.items():
            with self.subTest(changed=key):
                query = dict(base, **{key: value})
                self.assertError(self.get(limit="3", page_token=token, **query), 400)
            with self.subTest(dropped=key):
                query = dict(base)
                del query[key]
                self.assertError(self.get(limit="3", page_token=token, **query), 400)

    def test_garbage_page_token_is_400(self):
        for token in ("garbage", "AAAA", "%%%"):
            with self.subTest(token=token):
                self.assertError(self.get(page_token=token), 400)

    def test_page_token_of_another_org_is_400(self):
        other = self.api.new_org(self.owner)["OrganizationID"]
        for _ in range(3):
            self.api.invite(other, self.owner.token)
        token = self.request("GET", members_path(other), self.owner.token,
                             query={"limit": "1"}).body["NextPageToken"]
        self.assertError(self.get(page_token=token), 400)

    def test_where_filters(self):
        cases = {
            "Role = 'ADMIN'": lambda m: m["Role"] == "ADMIN",
            "Labels.team = 'red'": lambda m: m["Labels"].get("team") == "red",
            "Status = 'pending'": lambda m: m["Status"] == "pending",
            "Labels ? 'pending' OR Role = 'OWNER'":
                lambda m: "pending" in m["Labels"] or m["Role"] == "OWNER",
            "Username LIKE 'lst0%' AND NOT Labels.team = 'blue'":
                lambda m: m["Username"].startswith("lst0") and m["Labels"].get("team") != "blue",
            "UserID IS NULL": lambda m: m["UserID"] is None,
            "": lambda m: True,
        }
        for where, keep in cases.items():
            with self.subTest(where=where):
                items, _ = self.api.walk(self.path, self.owner.token, {"where": where}, limit=4)
                self.assertEqual(self.ids(items), self.ids(filter(keep, self.all)))

    def test_plus_in_query_is_a_space(self):
        resp = self.request("GET", self.path + "?where=Role+%3D+%27ADMIN%27&limit=1000",
                            self.owner.token)
        self.assertStatus(resp, 200)
        self.assertEqual(self.ids(resp.body["Items"]),
                         self.ids(m for m in self.all if m["Role"] == "ADMIN"))

    def test_bad_where_is_400_with_column(self):
        resp = self.get(where="Role = 'OWNER' AND Bogus = 1")
        self.assertError(resp, 400, ["column 20", "Bogus"])
        resp = self.get(where="Role = 'OWNER' AND")
        self.assertError(resp, 400, "column")
        resp = self.get(where="Role = 7")
        self.assertError(resp, 400, "column")

    def test_include_total(self):
        resp = self.get(limit="2", include_total="true", where="Labels.team = 'red'")
        self.assertStatus(resp, 200)
        expected = sum(1 for m in self.all if m["Labels"].get("team") == "red")
        self.assertEqual(resp.body.get("TotalCount"), expected)
        self.assertEqual(len(resp.body["Items"]), 2)
        self.assertNotIn("TotalCount", self.get(limit="2").body)
        self.assertNotIn("TotalCount", self.get(limit="2", include_total="false").body)

    def test_select(self):
        items, _ = self.api.walk(self.path, self.owner.token, {"select": "Username"}, limit=10)
        self.assertEqual(len(items), 31)
        for m in items:
            self.assertEqual(set(m), {"OrganizationMemberID", "Username"})
        self.assertEqual([m["Username"] for m in items], [m["Username"] for m in self.all])
        resp = self.get(select="Role,Labels")
        for m in resp.body["Items"]:
            self.assertEqual(set(m), {"OrganizationMemberID", "Role", "Labels"})
        self.assertError(self.get(select="Nope"), 400, "Nope")

    def test_order_by(self):
        active = [m for m in self.all if m["Status"] == "active"]
        where = "Status = 'active'"
        cases = {
            "DESC:Username": sorted(active, key=lambda m: m["Username"].encode(), reverse=True),
            "ASC:Username": sorted(active, key=lambda m: m["Username"].encode()),
            "ASC:Role,DESC:Username": sorted(
                sorted(active, key=lambda m: m["Username"].encode(), reverse=True),
                key=lambda m: m["Role"]),
            "ASC:Role": sorted(active, key=lambda m: (m["Role"], m["OrganizationMemberID"])),
        }
        for order_by, expected in cases.items():
            with self.subTest(order_by=order_by):
                items, _ = self.api.walk(self.path, self.owner.token,
                                         {"order_by": order_by, "where": where}, limit=6)
                self.assertEqual(self.ids(items), self.ids(expected))

    def test_bad_order_by_is_400(self):
        for order_by in ("SIDEWAYS:Username", "ASC:Nope", "ASC:", "Username:ASC"):
            with self.subTest(order_by=order_by):
                self.assertError(self.get(order_by=order_by), 400)

    def test_contains(self):
        target = next(m for m in self.all if m["Username"].startswith("lst13"))
        resp = self.get(contains=target["Username"].upper())
        self.assertStatus(resp, 200)
        self.assertEqual(self.ids(resp.body["Items"]), [target["OrganizationMemberID"]])
        by_label = self.get(contains="GREEN").body["Items"]
        self.assertEqual(self.ids(by_label),
                         self.ids(m for m in self.all if m["Labels"].get("team") == "green"))
        by_key = self.get(contains="PENDING").body["Items"]
        self.assertEqual(len(by_key), 6)
        combined = self.get(contains="green", where="Role = 'ADMIN'").body["Items"]
        self.assertEqual(self.ids(combined), self.ids(
            m for m in self.all if m["Labels"].get("team") == "green" and m["Role"] == "ADMIN"))

    def test_contains_searches_email_for_owner(self):
        pending = next(m for m in self.all if m["Status"] == "pending")
        local = pending["Email"].split("@")[0]
        resp = self.get(contains=local)
        self.assertEqual(self.ids(resp.body["Items"]), [pending["OrganizationMemberID"]])

    def test_ndjson_streams_every_match(self):
        resp = self.get(limit="2", headers={"Accept": "application/x-ndjson"})
        self.assertStatus(resp, 200)
        self.assertIn("application/x-ndjson", resp.headers.get("Content-Type", ""))
        items = ndjson_lines(resp.body)
        self.assertEqual(self.ids(items), self.ids(self.all))

    def test_ndjson_with_where_and_select_ignores_page_token(self):
        token = self.get(limit="2").body["NextPageToken"]
        resp = self.get(limit="2", page_token=token, where="Role = 'ADMIN'", select="Role",
                        headers={"Accept": "application/x-ndjson"})
        self.assertStatus(resp, 200)
        items = ndjson_lines(resp.body)
        self.assertEqual(self.ids(items), self.ids(m for m in self.all if m["Role"] == "ADMIN"))
        for m in items:
            self.assertEqual(set(m), {"OrganizationMemberID", "Role"})

    def test_ndjson_bad_where_is_a_json_400(self):
        resp = self.get(where="Bogus = 1", headers={"Accept": "application/x-ndjson"})
        self.assertEqual(resp.status, 400)

    def test_ndjson_answers_a_refused_list_as_json_does(self):
        """The stream starts only once the store has answered: its refusal is
        the JSON error, not a 200 with an empty body."""
        for query in ({"order_by": "ASC:Labels"}, {"order_by": "DESC:RoleIDs"}):
            with self.subTest(query=query):
                as_json = self.get(**query)
                self.assertError(as_json, 400)
                streamed = self.get(headers={"Accept": "application/x-ndjson"}, **query)
                self.assertError(streamed, 400)
                self.assertEqual(streamed.body, as_json.body)

    def test_invalid_utf8_in_contains_is_400(self):
        resp = self.client.request("GET", self.path + "?contains=%FF%FE", self.owner.token)
        self.assertError(resp, 400, "contains")
        where = self.client.request("GET", self.path + "?where=Username%20%3D%20%27%FF%27",
                                    self.owner.token)
        self.assertError(where, 400, "where")

    def test_a_list_parameter_given_twice_is_400(self):
        for name, value in (("where", "Role = 'ADMIN'"), ("contains", "lst"),
                            ("order_by", "ASC:Username"), ("select", "Role"),
                            ("filter", "x"), ("limit", "2"), ("page_token", "x"),
                            ("include_total", "true")):
            with self.subTest(name=name):
                resp = self.request("GET", self.path, self.owner.token,
                                    query=[(name, value), (name, value)])
                self.assertError(resp, 400, "parameter '%s' is given twice" % name)
        self.assertError(self.request("GET", "/organization", self.owner.token,
                                      query=[("limit", "1"), ("limit", "2")]), 400, "given twice")

    def test_writes_are_visible_to_the_next_list(self):
        m = self.api.invite(self.org, self.owner.token, Labels={"fresh": unique("v")})
        try:
            resp = self.get(where="Labels ? 'fresh'")
            self.assertEqual(self.ids(resp.body["Items"]), [m["OrganizationMemberID"]])
        finally:
            self.request("DELETE", members_path(self.org) + "/" + m["OrganizationMemberID"],
                         self.owner.token)


if __name__ == "__main__":
    main()
