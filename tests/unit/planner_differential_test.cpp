// The planner and pager against brute force: random members in three
// organizations, random `where` expressions from the grammar, random orders
// and page sizes. Walking every page must give exactly the records of the
// organization that Predicate::matches accepts, in the reference order, and
// include_total and count() must count them; the same of a store loaded in
// bulk. Deterministic (fixed seed, own PRNG).
//
// ROLLCALL_DIFF_SCALE (e.g. 0.2 or 3) scales the number of members and of
// expressions; under sanitizers the default is 0.3. ROLLCALL_DIFF_SEED
// replaces the fixed seed, to explore.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "member_fixtures.hpp"

namespace rollcall::member_test {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr double kDefaultScale = 0.3;
#else
constexpr double kDefaultScale = 1.0;
#endif

double scale() {
  const char* text = std::getenv("ROLLCALL_DIFF_SCALE");
  const double value = text == nullptr ? kDefaultScale : std::atof(text);
  return value > 0 ? value : kDefaultScale;
}

std::uint64_t seed() {
  const char* text = std::getenv("ROLLCALL_DIFF_SEED");
  return text == nullptr ? 0x5EED0F0A11C0DE5ULL : std::strtoull(text, nullptr, 0);
}

std::size_t scaled(std::size_t count) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(count) * scale()));
}

using Strings = std::vector<std::string>;

// Small vocabularies, so that equalities hit; some values need quoting or
// LIKE escapes, some differ only in case.
struct Vocabulary {
  Strings usernames = {"alice", "alina", "albert", "al_x", "bob",     "bobby",  "Bob",
                       "carol", "émile", "Émile",  "zed",  "o'brien", "50%off", "c:\\dir"};
  Strings emails = {"alice@x.io",  "ALICE@X.IO",  "bob@x.io",
                    "carol@y.org", "emile@y.org", "zed@z.net"};
  Strings display_names = {"Alice Smith", "alice smith", "Bob", "Carol King",
                           "ÉMILE Zola",  "émile zola",  "Zed"};
  Strings slugs = {"alice", "bob", "carol", "emile", "zed", ""};
  Strings external_ids = {"", "", "ext-1", "ext-2", "EXT-1"};
  Strings external_org_ids = {"", "eo-1", "eo-2"};
  Strings pictures = {"", "https://img/a.png", "https://img/b.png"};
  Strings roles = {"OWNER", "ADMIN", "ADMIN", "MEMBER", "MEMBER", "MEMBER", "MEMBER", "MEMBER"};
  Strings statuses = {"active", "pending"};
  Strings label_keys = {"app.kubernetes.io/name", "env", "team", "tier"};  // sorted
  Strings label_values = {"x", "y", "z", "prod", "dev", "", "X"};
  Strings regexes = {"^al", "ob$", "li", "^$", "[0-9]", "É", "^[a-c]", "x\\.io$"};
  std::vector<Uuid> role_ids, users, orgs;

  Vocabulary() {
    for (std::uint64_t n = 1; n <= 6; ++n) role_ids.push_back(make_uuid(kRoleTag, n));
    for (std::uint64_t n = 1; n <= 150; ++n) users.push_back(make_uuid(kUserTag, n));
    for (std::uint64_t n = 1; n <= 3; ++n) orgs.push_back(org_id(n));
  }
};

constexpr std::int64_t kSeconds = 400;  // CreatedAt spans this many seconds: many ties

class MemberMaker {
 public:
  MemberMaker(Prng& prng, const Vocabulary& vocabulary) : prng_(prng), v_(vocabulary) {}

  OrganizationMember make(const Uuid& id, const Uuid& org) {
    OrganizationMember m;
    m.organization_member_id = id;
    m.organization_id = org;
    m.status = prng_.chance(20) ? "pending" : "active";
    m.email = prng_.pick(v_.emails);
    if (m.status == "active") user_fields(m);
    m.role = prng_.pick(v_.roles);
    m.external_id = prng_.pick(v_.external_ids);
    m.external_organization_id = prng_.pick(v_.external_org_ids);
    m.role_ids = role_ids();
    m.labels = labels();
    m.required_sso_auth = prng_.chance(30);
    m.required_mfa_auth = prng_.chance(50);
    m.created_at = at_second(static_cast<std::int64_t>(prng_.below(kSeconds)));
    if (prng_.chance(10)) m.created_at.micros += 500000;
    if (prng_.chance(70)) m.created_by = prng_.pick(v_.users);
    m.updated_at = at_second(0);
    m.updated_at.micros = m.created_at.micros + static_cast<std::int64_t>(prng_.below(3)) * 1000000;
    if (prng_.chance(50)) m.updated_by = prng_.pick(v_.users);
    m.version = 1 + static_cast<std::int64_t>(prng_.below(5));
    return m;
  }

 private:
  void user_fields(OrganizationMember& m) {
    m.user_id = prng_.pick(v_.users);
    m.username = prng_.pick(v_.usernames);
    m.display_name = prng_.pick(v_.display_names);
    m.slug = prng_.pick(v_.slugs);
    m.profile_picture_url = prng_.pick(v_.pictures);
  }

  std::vector<Uuid> role_ids() {
    std::vector<Uuid> ids;
    const std::size_t count = prng_.chance(30) ? 0 : 1 + prng_.below(3);
    for (std::size_t i = 0; i < count; ++i) {
      const Uuid& id = prng_.pick(v_.role_ids);
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    return ids;
  }

  index::Labels labels() {
    index::Labels labels;
    for (const std::string& key : v_.label_keys) {
      if (prng_.chance(40)) labels.emplace_back(key, prng_.pick(v_.label_values));
    }
    return labels;
  }

  Prng& prng_;
  const Vocabulary& v_;
};

std::string sql_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// `text` with LIKE's metacharacters escaped.
std::string like_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The first code point boundary of `text` at or after `at` (at most its size).
std::size_t boundary(const std::string& text, std::size_t at) {
  while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  return std::min(at, text.size());
}

// Valid `where` expressions over the OrganizationMember attributes.
class ExpressionMaker {
 public:
  ExpressionMaker(Prng& prng, const Vocabulary& vocabulary, std::vector<Uuid> member_ids)
      : prng_(prng), v_(vocabulary), member_ids_(std::move(member_ids)) {}

  std::string make() { return expression(static_cast<int>(prng_.below(4))).text; }

 private:
  struct Text {
    std::string text;
    bool atomic;  // a single term: needs no parentheses as an operand
  };

  struct StringAttribute {
    const char* name;
    const Strings* values;
  };

  Text expression(int depth) {
    if (depth <= 0) return {prng_.chance(35) ? sargable() : term(), true};
    switch (prng_.below(7)) {
      case 0:
        return {"NOT " + operand(expression(depth - 1)), false};
      case 1:
        return joined(" AND ", depth, 2 + prng_.below(2));
      case 2:
        return joined(" OR ", depth, 2);
      case 3:
        return sargables(" OR ", 2 + prng_.below(2));
      case 4:
        return {sargable() + " AND " + operand(expression(depth - 1)), false};
      case 5:
        return {operand(expression(depth - 1)) + truth_test(), false};
      default:
        return expression(depth - 1);
    }
  }

  static std::string operand(const Text& text) {
    return text.atomic ? text.text : "(" + text.text + ")";
  }

  Text joined(const char* op, int depth, std::size_t count) {
    std::string out = operand(expression(depth - 1));
    for (std::size_t i = 1; i < count; ++i) out += op + operand(expression(depth - 1));
    return {out, false};
  }

  Text sargables(const char* op, std::size_t count) {
    std::string out = sargable();
    for (std::size_t i = 1; i < count; ++i) out += op + sargable();
    return {out, false};
  }

  std::string truth_test() {
    static const Strings kTests = {" IS TRUE", " IS NOT TRUE", " IS FALSE", " IS NOT FALSE"};
    return prng_.pick(kTests);
  }

  // --- Terms an index can answer --------------------------------------------

  std::string sargable() {
    switch (prng_.below(9)) {
      case 0:
        return "Role = " + sql_string(prng_.pick(v_.roles));
      case 1:
        return "Role IN (" + sql_string_list(v_.roles, 1 + prng_.below(2)) + ")";
      case 2:
        return "Username = " + sql_string(prng_.pick(v_.usernames));
      case 3:
        return "Username LIKE " + sql_string(like_literal(prefix_of(v_.usernames)) + "%");
      case 4:
        return "Username " + pick_of({">=", "<=", "<"}) + " " + sql_string(prefix_of(v_.usernames));
      case 5:
        return label_entry("=");
      case 6:
        return "Labels ? " + sql_string(prng_.pick(v_.label_keys));
      case 7:
        return "RoleIDs ? " + uuid(prng_.pick(v_.role_ids));
      default:
        return prng_.chance(50) ? member_id_term() : created_term();
    }
  }

  std::string member_id_term() {
    if (prng_.chance(50)) return "OrganizationMemberID = " + uuid(prng_.pick(member_ids_));
    return "OrganizationMemberID IN (" + uuid(prng_.pick(member_ids_)) + ", " +
           uuid(prng_.pick(member_ids_)) + ", " + uuid(make_uuid(kMemberTag, 0)) + ")";
  }

  std::string created_term() {
    if (prng_.chance(40)) {
      const std::int64_t from = static_cast<std::int64_t>(prng_.below(kSeconds));
      return "(CreatedAt >= " + time(from) + " AND CreatedAt < " +
             time(from + static_cast<std::int64_t>(prng_.below(60))) + ")";
    }
    return "CreatedAt " + pick_of({"=", ">", ">=", "<", "<="}) + " " + time(random_second());
  }

  // --- Any term -------------------------------------------------------------

  std::string term() {
    switch (prng_.below(12)) {
      case 0:
        return string_compare();
      case 1:
        return string_in();
      case 2:
        return like();
      case 3:
        return regex();
      case 4:
        return null_test();
      case 5:
        return integer_term();
      case 6:
        return boolean_term();
      case 7:
        return time_term();
      case 8:
        return labels_term();
      case 9:
        return role_ids_term();
      case 10:
        return uuid_term();
      default:
        return sargable();
    }
  }

  StringAttribute string_attribute() {
    const std::vector<StringAttribute> attributes = {
        {"Username", &v_.usernames},
        {"Email", &v_.emails},
        {"DisplayName", &v_.display_names},
        {"Slug", &v_.slugs},
        {"ExternalID", &v_.external_ids},
        {"ExternalOrganizationID", &v_.external_org_ids},
        {"ProfilePictureURL", &v_.pictures},
        {"Role", &v_.roles},
        {"Status", &v_.statuses}};
    return prng_.pick(attributes);
  }

  std::string string_compare() {
    const StringAttribute a = string_attribute();
    static const Strings kOps = {"=", "!=", "<>", "<", "<=", ">", ">="};
    if (prng_.chance(10)) return std::string(a.name) + " " + prng_.pick(kOps) + " Slug";
    return std::string(a.name) + " " + prng_.pick(kOps) + " " + sql_string(prefix_of(*a.values));
  }

  std::string string_in() {
    const StringAttribute a = string_attribute();
    const std::size_t count = prng_.chance(20) ? 10 : 1 + prng_.below(3);
    return std::string(a.name) + (prng_.chance(30) ? " NOT IN (" : " IN (") +
           sql_string_list(*a.values, count) + ")";
  }

  std::string like() {
    const StringAttribute a = string_attribute();
    static const Strings kOps = {"LIKE", "NOT LIKE", "ILIKE", "NOT ILIKE",
                                 "~~",   "!~~",      "~~*",   "!~~*"};
    return std::string(a.name) + " " + prng_.pick(kOps) + " " + sql_string(like_pattern(*a.values));
  }

  std::string like_pattern(const Strings& values) {
    const std::string value = prng_.pick(values);
    const std::size_t cut = random_cut(value);
    switch (prng_.below(5)) {
      case 0:
        return like_literal(value.substr(0, cut)) + "%";
      case 1:
        return "%" + like_literal(value.substr(cut, boundary(value, cut + 2) - cut)) + "%";
      case 2:
        return like_literal(value);
      case 3:
        return "_" + like_literal(value.substr(boundary(value, 1)));
      default:
        return "%" + like_literal(value.substr(cut));
    }
  }

  std::string regex() {
    static const Strings kOps = {"~", "~*", "!~", "!~*"};
    return std::string(string_attribute().name) + " " + prng_.pick(kOps) + " " +
           sql_string(prng_.pick(v_.regexes));
  }

  std::string null_test() {
    const std::string subject =
        pick_of({"UserID", "CreatedBy", "UpdatedBy", "Username", "Labels." + label_key()});
    return subject + (prng_.chance(50) ? " IS NULL" : " IS NOT NULL");
  }

  std::string integer_term() {
    if (prng_.chance(25)) {
      return std::string("Version") + (prng_.chance(30) ? " NOT IN (" : " IN (") +
             std::to_string(prng_.below(7)) + ", " + std::to_string(prng_.below(7)) + ")";
    }
    return "Version " + pick_of({"=", "!=", "<", "<=", ">", ">="}) + " " +
           std::to_string(static_cast<int>(prng_.below(8)) - 1);
  }

  std::string boolean_term() {
    std::string name = pick_of({"RequiredSSOAuth", "RequiredMFAAuth"});
    if (prng_.chance(30)) return name;
    return name + pick_of({" = ", " != "}) + pick_of({"true", "FALSE"});
  }

  std::string time_term() {
    switch (prng_.below(3)) {
      case 0:
        return "UpdatedAt " + pick_of({"=", ">", "<="}) + " CreatedAt";
      case 1:
        return pick_of({"CreatedAt", "UpdatedAt"}) + pick_of({" IN (", " NOT IN ("}) +
               time(random_second()) + ", " + time(random_second()) + ")";
      default:
        return created_term();
    }
  }

  std::string labels_term() {
    switch (prng_.below(5)) {
      case 0:
        return label_entry(pick_of({"=", "!=", "<", ">="}));
      case 1:
        return "Labels." + label_key() + pick_of({" IN (", " NOT IN ("}) +
               sql_string_list(v_.label_values, 2) + ")";
      case 2:
        return "Labels." + label_key() + " LIKE " + sql_string(like_pattern(v_.label_values));
      case 3:
        return "LEN(Labels) " + pick_of({"=", ">=", "<"}) + " " + std::to_string(prng_.below(4));
      default:
        return "Labels ? " + sql_string(label_key());
    }
  }

  std::string role_ids_term() {
    if (prng_.chance(30))
      return "LEN(RoleIDs) " + pick_of({"=", ">"}) + " " + std::to_string(prng_.below(3));
    return "RoleIDs ? " + uuid(prng_.pick(v_.role_ids));
  }

  std::string uuid_term() {
    switch (prng_.below(4)) {
      case 0:
        return "UserID " + pick_of({"=", "!="}) + " " + uuid(prng_.pick(v_.users));
      case 1:
        return "CreatedBy IN (" + uuid(prng_.pick(v_.users)) + ", " + uuid(prng_.pick(v_.users)) +
               ")";
      case 2:
        return "OrganizationID = " + uuid(prng_.pick(v_.orgs));
      default:
        return member_id_term();
    }
  }

  // --- Literals -------------------------------------------------------------

  std::string label_key() {
    return prng_.chance(90) ? prng_.pick(v_.label_keys) : std::string("missing");
  }

  std::string label_entry(const std::string& op) {
    return "Labels." + label_key() + " " + op + " " + sql_string(prng_.pick(v_.label_values));
  }

  // A whole value most of the time, else a prefix of one (for ranges).
  std::string prefix_of(const Strings& values) {
    const std::string& value = prng_.pick(values);
    if (prng_.chance(70)) return value;
    return value.substr(0, random_cut(value));
  }

  std::size_t random_cut(const std::string& value) {
    return boundary(value, prng_.below(value.size() + 1));
  }

  std::string sql_string_list(const Strings& values, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i)
      out += (i == 0 ? "" : ", ") + sql_string(prng_.pick(values));
    return out;
  }

  std::string uuid(const Uuid& id) {
    std::string text = id.to_string();
    if (prng_.chance(10)) std::transform(text.begin(), text.end(), text.begin(), ::toupper);
    return sql_string(text);
  }

  std::int64_t random_second() { return static_cast<std::int64_t>(prng_.below(kSeconds + 10)) - 5; }

  std::string time(std::int64_t second) {
    Timestamp t = at_second(second);
    if (prng_.chance(10)) t.micros += 500000;
    return sql_string(t.to_string());
  }

  std::string pick_of(const Strings& options) { return prng_.pick(options); }

  Prng& prng_;
  const Vocabulary& v_;
  std::vector<Uuid> member_ids_;
};

// --- The store and its reference copy ----------------------------------------

class PlannerDifferentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<std::size_t> sizes = {scaled(1500), scaled(450), scaled(60)};  // skewed
    for (std::size_t org = 0; org < sizes.size(); ++org) {
      for (std::size_t i = 0; i < sizes[org]; ++i) add(vocabulary_.orgs[org]);
    }
    churn();
    ASSERT_EQ(store_->size(), records_.size());
  }

  void add(const Uuid& org) {
    OrganizationMember m = maker_.make(make_uuid(kMemberTag, prng_.next() | 1), org);
    ASSERT_TRUE(succeeded(store_->insert(m)));
    records_.push_back(std::move(m));
  }

  // Replaces about a tenth of the records and erases a twentieth, so that the
  // indexes have seen updates and removals; the reference follows.
  void churn() {
    for (std::size_t i = 0; i < records_.size(); ++i) {
      if (prng_.chance(10)) replace(i);
    }
    for (std::size_t i = records_.size(); i-- > 0;) {
      if (prng_.chance(5) && !store_->erase(records_[i].organization_member_id)) {
        records_.erase(records_.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
  }

  void replace(std::size_t i) {
    OrganizationMember m =
        maker_.make(records_[i].organization_member_id, records_[i].organization_id);
    if (!store_->replace(m)) {
      m.version = records_[i].version + 1;
      records_[i] = std::move(m);
    }
  }

  std::vector<Uuid> member_ids() const {
    std::vector<Uuid> ids;
    for (const OrganizationMember& m : records_) ids.push_back(m.organization_member_id);
    ids.push_back(make_uuid(kMemberTag, 2));  // not stored
    return ids;
  }

  static std::string describe(const std::vector<SortKey>& order) {
    if (order.empty()) return "default";
    return order[0].attribute + (order[0].descending ? " DESC" : " ASC");
  }

  // Walks every page of `text` and compares with the reference; false on a mismatch.
  bool check(const std::string& text, const Uuid& org, const std::vector<SortKey>& order,
             std::size_t limit) {
    const filter::Predicate predicate = where(text);
    const std::vector<Uuid> expected = ids_of(expected_list(records_, org, predicate, order));
    // Keep walks short: at most ~60 pages.
    limit = std::max(limit, (expected.size() + 59) / 60);
    ListRequest request = request_for(org, text, order, limit);
    request.include_total = true;
    const Walk walk = walk_pages(*store_, request, expected.size() / limit + 2);
    const std::vector<Uuid> actual = ids_of(walk.items);
    std::size_t at = 0;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
    const std::uint64_t count = store_->count(org, predicate);
    const bool same = !walk.error && actual == expected && walk.first_total == expected.size() &&
                      count == expected.size();
    if (!same) {
      ADD_FAILURE() << "where: " << text << "\nplan: " << store_->explain(request).text()
                    << "\norg: " << org.to_string() << ", order: " << describe(order)
                    << ", limit: " << limit << ", pages: " << walk.pages
                    << (walk.error ? "\nerror: " + walk.error->message : "") << "\nexpected "
                    << expected.size() << " records, got " << actual.size() << ", total "
                    << walk.first_total.value_or(-1) << ", count " << count
                    << "\nfirst difference at position " << at << ": expected "
                    << (at < expected.size() ? expected[at].to_string() : "(end)") << ", got "
                    << (at < actual.size() ? actual[at].to_string() : "(end)");
    }
    return same;
  }

  Vocabulary vocabulary_;
  Prng prng_{seed()};
  MemberMaker maker_{prng_, vocabulary_};
  std::unique_ptr<OrganizationMemberStore> store_ =
      std::make_unique<OrganizationMemberStore>("differential");
  std::vector<OrganizationMember> records_;

  // Checks `count` random expressions in random orders; the failures (at most 10).
  std::size_t check_random_expressions(std::size_t count) {
    const std::vector<std::vector<SortKey>> orders = {{},
                                                      {{"CreatedAt", false}},
                                                      {{"CreatedAt", true}},
                                                      {{"Username", false}},
                                                      {{"Version", true}}};
    ExpressionMaker expressions(prng_, vocabulary_, member_ids());
    std::size_t failures = 0;
    for (std::size_t i = 0; i < count && failures < 10; ++i) {
      const std::string text = expressions.make();
      if (!filter::compile_where(text, index::organization_member_schema())) {
        ADD_FAILURE() << "generated an invalid expression: " << text;
        ++failures;
        continue;
      }
      const Uuid& org = prng_.pick(vocabulary_.orgs);
      const std::vector<SortKey>& order = prng_.pick(orders);
      if (!check(text, org, order, 1 + prng_.below(50))) ++failures;
    }
    return failures;
  }
};

TEST_F(PlannerDifferentialTest, PagedAnswersEqualBruteForce) {
  EXPECT_EQ(check_random_expressions(scaled(2000)), 0u);
}

// The same records loaded at once (shuffled, as OrganizationMemberStore::load
// builds every index in one go), then written to: the loaded indexes must
// answer, and take writes, like those built one write at a time.
TEST_F(PlannerDifferentialTest, BulkLoadedStoreAnswersTheSame) {
  std::vector<MemberPtr> shuffled;
  for (const OrganizationMember& m : records_) {
    shuffled.push_back(make_member(m));
  }
  for (std::size_t i = shuffled.size(); i > 1; --i) {
    std::swap(shuffled[i - 1], shuffled[prng_.below(i)]);
  }
  store_ = std::make_unique<OrganizationMemberStore>("differential");
  store_->load(shuffled);
  ASSERT_EQ(store_->size(), records_.size());
  churn();
  EXPECT_EQ(check_random_expressions(scaled(500)), 0u);
}

}  // namespace
}  // namespace rollcall::member_test
