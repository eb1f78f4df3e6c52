"""GET /where/explain: the parsed expression, its normalized text and, with
`organization` (or `space`), the plan against the caller's view of that data."""

from harness import (ADMIN_TOKEN, SPACE_ROLES as ROLES, add_role_matrix, Call, Case, main,
                     ServerTestCase, space_expect as expect)

PATH = "/where/explain"


def explain(**query):
    return lambda t, role: Call(t.o, "GET", PATH + "?" + "&".join(
        "%s=%s" % (k, v(t.o) if callable(v) else v) for k, v in query.items()), None, None)


CASES = [
    Case("explain_without_organization", explain(entity="OrganizationMember", where="Admin"),
         expect(400, 400, 400, 400, 400, 400, 400)),
    Case("explain_expression_only", explain(entity="SpaceMember", where="Admin"),
         expect(200, 200, 200, 200, 200, 200, 200)),
    Case("explain_in_organization",
         explain(entity="OrganizationMember", where="Status", organization=lambda o: o.id),
         expect(400, 400, 400, 400, 400, 404, 400)),
    Case("explain_organization_members",
         explain(entity="OrganizationMember", organization=lambda o: o.id),
         expect(200, 200, 200, 200, 200, 404, 200)),
    Case("explain_space_members_of_organization",
         explain(entity="SpaceMember", organization=lambda o: o.id),
         expect(200, 200, 403, 403, 403, 404, 200)),
    Case("explain_space_members_of_space",
         explain(entity="SpaceMember", space=lambda o: o.space_id),
         expect(200, 200, 200, 200, 403, 404, 200)),
]


class ExplainRoleMatrixTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.space_with_roles()


add_role_matrix(ExplainRoleMatrixTest, CASES, ROLES)


class ExplainTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o = cls.api.space_with_roles()

    def explain(self, token=None, expect=200, **query):
        resp = self.request("GET", PATH, token or self.o.owner.token, query=query)
        if expect == 200:
            self.assertStatus(resp, 200)
        else:
            self.assertError(resp, expect)
        return resp.body

    def test_expression_and_normalized_text_without_a_plan(self):
        body = self.explain(entity="OrganizationMember",
                            where="Role = 'x' or (Role in ('ADMIN') and not RequiredMFAAuth)")
        self.assertEqual(set(body), {"Entity", "Where", "Normalized", "Expression", "Plan"})
        self.assertEqual(body["Plan"], None)
        self.assertEqual(body["Normalized"],
                         "Role = 'x' OR Role IN ('ADMIN') AND NOT RequiredMFAAuth = true")
        self.assertEqual(body["Expression"]["Kind"], "Or")
        self.assertEqual(body["Expression"]["Children"][0],
                         {"Kind": "Compare", "Op": "=", "Column": 1,
                          "Left": {"Attribute": "Role", "Type": "string", "Column": 1},
                          "Right": {"Literal": "x", "Type": "string", "Column": 8}})
        self.assertEqual(self.explain(entity="SpaceMember")["Expression"], {"Kind": "True"})

    def test_the_tree_names_attributes_keys_and_literals(self):
        body = self.explain(entity="OrganizationMember",
                            where="Role IN ('ADMIN','OWNER') AND NOT Labels.team ILIKE 's%' "
                                  "AND LEN(RoleIDs) >= 2 AND UserID IS NOT NULL")
        self.assertEqual(body["Normalized"],
                         "Role IN ('ADMIN', 'OWNER') AND NOT Labels.team ILIKE 's%' AND "
                         "LEN(RoleIDs) >= 2 AND UserID IS NOT NULL")
        expr = body["Expression"]
        self.assertEqual(expr["Kind"], "And")
        in_, not_, length, is_null = expr["Children"]
        self.assertEqual((in_["Kind"], in_["Left"]["Attribute"], in_["Values"]),
                         ("In", "Role", ["ADMIN", "OWNER"]))
        like = not_["Child"]
        self.assertEqual((not_["Kind"], like["Kind"], like["CaseInsensitive"],
                          like["Left"]["Attribute"], like["Left"]["Key"], like["Right"]["Literal"]),
                         ("Not", "Like", True, "Labels", "team", "s%"))
        self.assertEqual((length["Op"], length["Left"]["Length"], length["Right"]["Literal"],
                          length["Right"]["Type"]), (">=", "RoleIDs", 2, "int"))
        self.assertEqual((is_null["Kind"], is_null["Negated"], is_null["Left"]["Attribute"]),
                         ("IsNull", True, "UserID"))
        self.assertEqual(in_["Column"], 1)

    def test_a_bad_where_says_code_and_column(self):
        body = self.explain(expect=400, entity="OrganizationMember", where="Role = 'A' AND Rol = 1")
        self.assertIn("column 16", body["Message"])
        self.assertEqual(body["Error"]["Code"], "unknown_attribute")
        self.assertEqual((body["Error"]["Column"], body["Error"]["Text"]), (16, "Rol"))
        self.assertIn("Role", body["Error"]["Hint"])
        syntax = self.explain(expect=400, entity="SpaceMember", where="Admin AND")
        self.assertEqual(syntax["Error"]["Code"], "syntax")

    def test_entity_is_required(self):
        self.assertIn("entity", self.explain(expect=400, where="Admin")["Message"])
        self.explain(expect=400, entity="User", where="")
        self.explain(expect=400, entity="OrganizationMember", space=self.o.space_id)

    def test_the_plan_against_an_organization(self):
        body = self.explain(entity="OrganizationMember", where="Role = 'ADMIN'",
                            organization=self.o.id)
        plan = body["Plan"]
        self.assertEqual(set(plan), {"AccessPath", "EstimatedRows", "EstimatedRowsAre",
                                     "Residual"})
        self.assertIn("Role", plan["AccessPath"])
        self.assertEqual((plan["EstimatedRows"], plan["EstimatedRowsAre"]), (1, "Candidates"))
        everything = self.explain(entity="OrganizationMember", organization=self.o.id)["Plan"]
        self.assertGreaterEqual(everything["EstimatedRows"], 6)

    def test_a_member_plans_in_their_view(self):
        token = self.o.member.token
        self.explain(token, 400, entity="OrganizationMember", where="Email = 'x'",
                     organization=self.o.id)
        self.explain(token, entity="OrganizationMember", where="Email = 'x'")  # no data: no plan
        plan = self.explain(token, entity="OrganizationMember", where="Role = 'MEMBER'",
                            organization=self.o.id)["Plan"]
        # Which path the planner picks depends on hidden records: not shown.
        self.assertEqual((plan["AccessPath"], plan["Residual"]), (None, None))
        self.assertEqual(plan["EstimatedRowsAre"], "VisibleMatches")

    def test_space_plans(self):
        plan = self.explain(entity="SpaceMember", where="Admin", space=self.o.space_id)["Plan"]
        self.assertEqual(plan["EstimatedRows"], 3)
        self.explain(self.o.space_member.token, 400, entity="SpaceMember", where="Labels ? 'a'",
                     space=self.o.space_id)
        self.explain(self.o.space_admin.token, 400, entity="SpaceMember", where="Labels ? 'a'",
                     space=self.o.space_id)
        self.explain(self.o.admin.token, entity="SpaceMember", where="Labels ? 'a'",
                     space=self.o.space_id)
        other_org = self.api.new_org(self.o.owner)["OrganizationID"]
        self.explain(expect=404, entity="SpaceMember", space=self.o.space_id,
                     organization=other_org)
        self.explain(ADMIN_TOKEN, expect=404, entity="SpaceMember", space="nope")

    def test_scoped_callers_get_the_count_of_their_visible_matches(self):
        """EstimatedRows never counts what the caller's list would not show."""
        cases = [(self.o.member.token, "OrganizationMember", "organization", self.o.id),
                 (self.o.space_member.token, "SpaceMember", "space", self.o.space_id),
                 (self.o.space_admin.token, "SpaceMember", "space", self.o.space_id)]
        for token, entity, scope, scope_id in cases:
            path = ("/organization/%s/organization_member" % scope_id if scope == "organization"
                    else "/space/%s/space_member" % scope_id)
            for where in ("Username = ''", "UserID IS NULL", "", "Admin OR Username != ''"):
                if where.startswith("Admin") and entity != "SpaceMember":
                    continue
                with self.subTest(entity=entity, token=token[:12], where=where):
                    listed = self.request("GET", path, token,
                                          query={"where": where, "include_total": "true"})
                    self.assertStatus(listed, 200)
                    plan = self.explain(token, entity=entity, where=where,
                                        **{scope: scope_id})["Plan"]
                    self.assertEqual((plan["EstimatedRows"], plan["EstimatedRowsAre"]),
                                     (listed.body["TotalCount"], "VisibleMatches"))
                    self.assertIsNone(plan["AccessPath"])
        hidden = self.explain(self.o.member.token, entity="OrganizationMember",
                              where="Username = ''", organization=self.o.id)["Plan"]
        self.assertEqual(hidden["EstimatedRows"], 0)
        owner = self.explain(entity="OrganizationMember", where="Username = ''",
                             organization=self.o.id)["Plan"]
        self.assertGreaterEqual(owner["EstimatedRows"], 1)  # the pending invitation

    def test_no_token_is_401(self):
        self.assertError(self.request("GET", PATH, query={"entity": "SpaceMember"}), 401)


if __name__ == "__main__":
    main()
