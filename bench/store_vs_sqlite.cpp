// The membership index against SQLite (in memory, indexed) on the same data and
// the same queries, in one run: first page (limit 100, CreatedAt then ID) and
// total count of each query inside the big organization. Prints times and the
// SQLite/rollcall ratio. SQLite gets what it lacks as user functions with the
// engine's semantics (ILIKE, regex via RE2, contains). Both sides do the same
// work: the query prepared (compiled) once, a page read as whole records.
//
// usage: store_vs_sqlite [--members N]   (default 1,000,000; half in one organization)
#include <re2/re2.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datagen.hpp"
#include "rollcall/index/member_store.hpp"
#include "rollcall/index/schemas.hpp"

namespace {

using rollcall::index::OrganizationMember;
using Clock = std::chrono::steady_clock;

// Median seconds of `run` over repeated calls, within about a quarter second.
double median_seconds(const std::function<void()>& run) {
  std::vector<double> samples;
  const auto deadline = Clock::now() + std::chrono::milliseconds(250);
  do {
    const auto start = Clock::now();
    run();
    samples.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  } while (Clock::now() < deadline && samples.size() < 200);
  const auto middle = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
  std::nth_element(samples.begin(), middle, samples.end());
  return *middle;
}

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// --- SQLite side -----------------------------------------------------------

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

void exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n  in %s\n", error, sql.c_str());
    std::exit(1);
  }
}

// rc_match(pattern, text, case_insensitive): RE2 search, compiled once per statement.
void regexp_function(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  auto* regex = static_cast<RE2*>(sqlite3_get_auxdata(context, 0));
  if (regex == nullptr) {
    RE2::Options options;
    options.set_dot_nl(true);
    options.set_case_sensitive(sqlite3_value_int(argv[2]) == 0);
    regex = new RE2(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])), options);
    sqlite3_set_auxdata(context, 0, regex, [](void* p) { delete static_cast<RE2*>(p); });
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  sqlite3_result_int(context, text != nullptr && RE2::PartialMatch(text, *regex) ? 1 : 0);
}

// rc_where(where, entity row...) would be the engine itself; instead ILIKE and
// contains reuse the engine through single-term predicates on one string.
struct Text {
  std::string value;
};
const rollcall::filter::Schema& text_schema() {
  static const auto schema =
      rollcall::filter::SchemaBuilder<Text>("Text")
          .string("V", [](const Text& t) -> const std::string& { return t.value; })
          .build();
  return schema;
}

// rc_ilike(text, pattern) and rc_contains(text, needle): the engine's semantics.
void engine_function(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  auto* predicate = static_cast<rollcall::filter::Predicate*>(sqlite3_get_auxdata(context, 1));
  if (predicate == nullptr) {
    const auto* how = static_cast<const char*>(sqlite3_user_data(context));
    const std::string arg(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])));
    predicate = new rollcall::filter::Predicate(
        std::strcmp(how, "contains") == 0
            ? rollcall::filter::compile_contains(arg, text_schema())
            : *rollcall::filter::compile_where("V ILIKE '" + arg + "'", text_schema()));
    sqlite3_set_auxdata(context, 1, predicate,
                        [](void* p) { delete static_cast<rollcall::filter::Predicate*>(p); });
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  thread_local Text row;
  row.value.assign(text == nullptr ? "" : text);
  sqlite3_result_int(context, predicate->matches(row) ? 1 : 0);
}

sqlite3* load_sqlite(const std::vector<OrganizationMember>& members) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  exec(db, "PRAGMA case_sensitive_like = ON; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
  exec(db,
       "CREATE TABLE member (id BLOB PRIMARY KEY, org BLOB, username TEXT, email TEXT, "
       "display_name TEXT, slug TEXT, external_id TEXT, role TEXT, status TEXT, role_count INT, "
       "sso INT, mfa INT, version INT, created_at INT, labels TEXT) WITHOUT ROWID");
  exec(db, "CREATE TABLE label (member BLOB, key TEXT, value TEXT)");
  exec(db, "CREATE TABLE role (member BLOB, role_id BLOB)");
  sqlite3_create_function(db, "rc_match", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                          regexp_function, nullptr, nullptr);
  sqlite3_create_function(db, "rc_ilike", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                          const_cast<char*>("ilike"), engine_function, nullptr, nullptr);
  sqlite3_create_function(db, "rc_contains", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                          const_cast<char*>("contains"), engine_function, nullptr, nullptr);
  exec(db, "BEGIN");
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* label = nullptr;
  sqlite3_stmt* role = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO member VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &insert,
                     nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO label VALUES (?,?,?)", -1, &label, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO role VALUES (?,?)", -1, &role, nullptr);
  for (const OrganizationMember& m : members) {
    std::string labels;
    for (const auto& [k, v] : m.labels) labels.append(k).append("=").append(v).append("\n");
    int i = 0;
    sqlite3_bind_blob(insert, ++i, m.organization_member_id.bytes.data(), 16, SQLITE_STATIC);
    sqlite3_bind_blob(insert, ++i, m.organization_id.bytes.data(), 16, SQLITE_STATIC);
    for (const std::string_view text :
         {m.username.view(), m.email.view(), m.display_name.view(), m.slug.view(),
          m.external_id.view(), std::string_view(m.role), std::string_view(m.status)}) {
      sqlite3_bind_text(insert, ++i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    }
    sqlite3_bind_int(insert, ++i, static_cast<int>(m.role_ids.size()));
    sqlite3_bind_int(insert, ++i, m.required_sso_auth);
    sqlite3_bind_int(insert, ++i, m.required_mfa_auth);
    sqlite3_bind_int64(insert, ++i, m.version);
    sqlite3_bind_int64(insert, ++i, m.created_at.micros);
    sqlite3_bind_text(insert, ++i, labels.c_str(), -1, SQLITE_TRANSIENT);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
    for (const auto& [k, v] : m.labels) {
      sqlite3_bind_blob(label, 1, m.organization_member_id.bytes.data(), 16, SQLITE_STATIC);
      sqlite3_bind_text(label, 2, k.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(label, 3, v.c_str(), -1, SQLITE_STATIC);
      check(sqlite3_step(label), db, "label");
      sqlite3_reset(label);
    }
    for (const auto& id : m.role_ids) {
      sqlite3_bind_blob(role, 1, m.organization_member_id.bytes.data(), 16, SQLITE_STATIC);
      sqlite3_bind_blob(role, 2, id.bytes.data(), 16, SQLITE_STATIC);
      check(sqlite3_step(role), db, "role");
      sqlite3_reset(role);
    }
  }
  for (sqlite3_stmt* statement : {insert, label, role}) sqlite3_finalize(statement);
  exec(db, "COMMIT");
  exec(db,
       "CREATE INDEX member_org_created ON member (org, created_at, id);"
       "CREATE INDEX member_org_role ON member (org, role, created_at, id);"
       "CREATE INDEX member_org_username ON member (org, username);"
       "CREATE INDEX label_key_value ON label (key, value, member);"
       "CREATE INDEX label_member ON label (member, key);"
       "CREATE INDEX role_role_id ON role (role_id, member);"
       "CREATE INDEX role_member ON role (member);"
       "ANALYZE");
  return db;
}

// A statement prepared once and run again with the organization bound, as a
// service keeps its statements (rollcall's predicate is compiled once too).
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    check(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr), db, sql.c_str());
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(statement_); }

  sqlite3_stmt* start(const rollcall::filter::Uuid& org) {
    sqlite3_reset(statement_);
    sqlite3_bind_blob(statement_, 1, org.bytes.data(), 16, SQLITE_STATIC);
    return statement_;
  }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

// A column read as its own type (a text's or blob's bytes, a number), the
// way a service building its answer reads it; its size in bytes.
std::size_t read_column(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(statement, column) == 0 ? 0 : sizeof(std::int64_t);
    case SQLITE_TEXT:
      return sqlite3_column_text(statement, column) == nullptr
                 ? 0
                 : static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
    case SQLITE_BLOB:
      return sqlite3_column_blob(statement, column) == nullptr
                 ? 0
                 : static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
    default:
      return 0;
  }
}

// The rows of a page, every column of each read: a page is its records, as
// rollcall's is (one column, created_at, would come from a covering index).
std::size_t page_sqlite(Statement& page, const rollcall::filter::Uuid& org) {
  sqlite3_stmt* statement = page.start(org);
  const int columns = sqlite3_column_count(statement);
  std::size_t rows = 0;
  std::size_t bytes = 0;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    ++rows;
    for (int column = 0; column < columns; ++column) bytes += read_column(statement, column);
  }
  return rows + (bytes & 0);  // the reads, kept
}

std::int64_t count_sqlite(Statement& count, const rollcall::filter::Uuid& org) {
  sqlite3_stmt* statement = count.start(org);
  sqlite3_step(statement);
  return sqlite3_column_int64(statement, 0);
}

struct Query {
  std::string where;  // rollcall
  std::string sql;    // the same condition in SQLite
  bool contains = false;
};

std::string blob_literal(const rollcall::filter::Uuid& id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "X'";
  for (auto b : id.bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out + "'";
}

std::vector<Query> queries(const rollcall::bench::MemberGenerator& generator,
                           const std::vector<OrganizationMember>& members) {
  const std::string org = generator.big_organization_id().to_string();
  std::string username;
  for (const auto& m : members) {
    if (m.organization_id == generator.big_organization_id()) {
      username = m.username;
      break;
    }
  }
  const auto role_id = generator.role_ids()[0];
  const std::string label = "EXISTS (SELECT 1 FROM label l WHERE l.member = m.id AND l.key = ";
  const std::string email_regex = R"(^[a-z]+\.lovelace[0-9]+@example\.com$)";
  return {
      {"Username = '" + username + "'", "username = '" + username + "'"},
      {"OrganizationID = '" + org + "' AND Role = 'OWNER'", "role = 'OWNER'"},
      {"Username LIKE 'ada.%'", "username LIKE 'ada.%'"},
      {"DisplayName ILIKE '%ström%'", "rc_ilike(display_name, '%ström%')"},
      {"Email ~ '" + email_regex + "'", "rc_match('" + email_regex + "', email, 0)"},
      {"Labels.tier IN ('Backend','Data') AND Labels.environment = 'prod'",
       label + "'tier' AND l.value IN ('Backend','Data')) AND " + label +
           "'environment' AND l.value = 'prod')"},
      {"RoleIDs ? '" + role_id.to_string() + "'",
       "EXISTS (SELECT 1 FROM role r WHERE r.member = m.id AND r.role_id = " +
           blob_literal(role_id) + ")"},
      {"LEN(RoleIDs) >= 2 AND RequiredMFAAuth = false", "role_count >= 2 AND mfa = 0"},
      {"CreatedAt >= '2025-01-07' AND CreatedAt < '2025-02-07'",
       "created_at >= " + std::to_string(rollcall::filter::Timestamp::parse("2025-01-07")->micros) +
           " AND created_at < " +
           std::to_string(rollcall::filter::Timestamp::parse("2025-02-07")->micros)},
      {"Role = 'OWNER' OR Labels.team = 'sre' OR Version > 23",
       "role = 'OWNER' OR " + label + "'team' AND l.value = 'sre') OR version > 23"},
      {"lovelace",
       "rc_contains(username, 'lovelace') OR rc_contains(email, 'lovelace') OR "
       "rc_contains(display_name, 'lovelace') OR rc_contains(slug, 'lovelace') OR "
       "rc_contains(external_id, 'lovelace') OR rc_contains(role, 'lovelace') OR "
       "rc_contains(status, 'lovelace') OR rc_contains(labels, 'lovelace')",
       true},
  };
}

std::string format_ms(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f ms", seconds * 1000);
  return buffer;
}

rollcall::filter::Predicate compile(const Query& q) {
  const auto& schema = rollcall::index::organization_member_schema();
  return q.contains ? rollcall::filter::compile_contains(q.where, schema)
                    : *rollcall::filter::compile_where(q.where, schema);
}

std::string page_sql(const Query& q) {
  return "SELECT * FROM member m WHERE org = ?1 AND (" + q.sql +
         ") ORDER BY created_at, id LIMIT 100";
}

std::string count_sql(const Query& q) {
  return "SELECT count(*) FROM member m WHERE org = ?1 AND (" + q.sql + ")";
}

// kOnce: the query compiled (prepared) once and run again, as a program with
// fixed queries would. kEachCall: compiled in every call, as a service whose
// requests carry their filter as text must.
enum class Compile : std::uint8_t { kOnce, kEachCall };

// One table: each query's first page and count on both sides, and the ratios.
void compare(const rollcall::index::OrganizationMemberStore& store, sqlite3* db,
             const rollcall::filter::Uuid& org, const std::vector<Query>& all, Compile compile_in) {
  const bool each_call = compile_in == Compile::kEachCall;
  std::printf(
      "\nthe query compiled %s\n%-70s %12s %12s %8s | %12s %12s %8s\n",
      each_call ? "in every call (SQLite: prepared in every call)" : "once (SQLite: prepared once)",
      "query (big organization)", "page rc", "page sqlite", "ratio", "count rc", "count sqlite",
      "ratio");
  double worst_page = 1e9;
  double worst_count = 1e9;
  for (const Query& q : all) {
    rollcall::index::ListRequest request;
    request.organization_id = org;
    request.limit = 100;
    request.predicate = compile(q);
    std::size_t rc_rows = 0;
    const double rc_page = median_seconds([&] {
      if (each_call) request.predicate = compile(q);
      rc_rows = std::get<rollcall::index::ListResult>(store.list(request)).items.size();
    });
    std::uint64_t rc_count = 0;
    const double rc_total = median_seconds(
        [&] { rc_count = store.count(org, each_call ? compile(q) : request.predicate); });
    std::optional<Statement> page;
    std::optional<Statement> count;
    if (!each_call) {
      page.emplace(db, page_sql(q));
      count.emplace(db, count_sql(q));
    }
    // The statement prepared once, or in this call.
    const auto statement = [&](std::optional<Statement>& prepared, const std::string& sql,
                               auto run) {
      if (prepared) return run(*prepared);
      Statement fresh(db, sql);
      return run(fresh);
    };
    std::size_t sqlite_rows = 0;
    const double sqlite_page = median_seconds([&] {
      sqlite_rows = statement(page, page_sql(q), [&](Statement& s) { return page_sqlite(s, org); });
    });
    std::int64_t sqlite_count = 0;
    const double sqlite_total = median_seconds([&] {
      sqlite_count =
          statement(count, count_sql(q), [&](Statement& s) { return count_sqlite(s, org); });
    });
    if (rc_rows != sqlite_rows || static_cast<std::int64_t>(rc_count) != sqlite_count) {
      std::printf("MISMATCH %s: rollcall %zu/%llu, sqlite %zu/%lld\n", q.where.c_str(), rc_rows,
                  static_cast<unsigned long long>(rc_count), sqlite_rows,
                  static_cast<long long>(sqlite_count));
    }
    const double page_ratio = sqlite_page / rc_page;
    const double count_ratio = sqlite_total / rc_total;
    worst_page = std::min(worst_page, page_ratio);
    worst_count = std::min(worst_count, count_ratio);
    const std::string label = (q.contains ? "contains=" : "") + q.where.substr(0, 60) + " [" +
                              std::to_string(rc_count) + "]";
    std::printf("%-70s %12s %12s %7.1fx | %12s %12s %7.1fx\n", label.c_str(),
                format_ms(rc_page).c_str(), format_ms(sqlite_page).c_str(), page_ratio,
                format_ms(rc_total).c_str(), format_ms(sqlite_total).c_str(), count_ratio);
  }
  std::printf("worst ratio: first page %.1fx (target 10x), count %.1fx (target 3x)\n", worst_page,
              worst_count);
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = rollcall::bench::index_bench_options(argc, argv);
  const rollcall::bench::MemberGenerator generator(options);
  auto members = rollcall::bench::generate_members(options);

  const long rss_before = max_rss_kib();
  rollcall::index::OrganizationMemberStore store;
  const auto load_start = Clock::now();
  std::vector<rollcall::index::MemberPtr> records;
  records.reserve(members.size());
  for (const auto& m : members) {
    records.push_back(rollcall::index::make_member(m));
  }
  store.load(records);  // as a server's start-up does
  const double load_seconds = std::chrono::duration<double>(Clock::now() - load_start).count();
  const long rss_after = max_rss_kib();
  std::printf(
      "rollcall: %zu members loaded in bulk in %.2f s; max RSS grew %.0f bytes/member "
      "(records + indexes; the generated copy is not counted)\n",
      members.size(), load_seconds,
      static_cast<double>(rss_after - rss_before) * 1024.0 / static_cast<double>(members.size()));
  sqlite3* db = load_sqlite(members);
  const auto& org = generator.big_organization_id();

  const auto all = queries(generator, members);
  compare(store, db, org, all, Compile::kOnce);
  compare(store, db, org, all, Compile::kEachCall);
  sqlite3_close(db);
  return 0;
}
