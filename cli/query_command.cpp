// rollcall query: NDJSON in, the matching lines out, unchanged and in order.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "line_reader.hpp"
#include "rollcall/filter.hpp"
#include "rollcall/index/json.hpp"
#include "rollcall/index/schemas.hpp"

namespace rollcall::cli {
namespace {

namespace filter = rollcall::filter;

constexpr const char* kHelp = R"(usage: rollcall query --where EXPR [--contains TEXT] [--entity ENTITY] [FILE|-]

Reads NDJSON records (one JSON object per line, the API's PascalCase encoding)
from FILE or standard input and writes the lines that match, unchanged and in
input order. Every line must be a valid JSON object; the members the filter
reads must have their documented types; unknown members are ignored.

options:
  --where EXPR       a `where` expression (see README.md, "The where language");
                     empty matches everything
  --contains TEXT    keep records where TEXT occurs, ignoring case, in some
                     string attribute or map key or value (ANDed with --where)
  --entity ENTITY    OrganizationMember (default) or SpaceMember
  -h, --help         this text

exit status: 0 done; 1 a malformed input line (its number is on stderr) or an
I/O error; 2 a bad expression (with its column on stderr) or bad usage.

examples:
  rollcall query --where "Role = 'OWNER' AND Status = 'active'" members.ndjson
  rollcall query --where "Labels.team IN ('sre', 'security') OR LEN(RoleIDs) >= 3" - < members.ndjson
  rollcall query --where "DisplayName ILIKE '%müller%'" --contains okta members.ndjson
  rollcall query --entity SpaceMember --where "Admin = true" space_members.ndjson
)";

struct Options {
  std::string where;
  std::string contains;
  bool has_contains = false;
  std::string entity = "OrganizationMember";
  std::string file = "-";
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "rollcall query: %s\n(see rollcall query --help)\n", message.c_str());
  return 2;
}

// Returns -1 when parsing succeeded, else the exit code.
int parse_options(std::span<const std::string_view> args, Options& options) {
  bool has_where = false;
  bool has_file = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) return false;
      out = std::string(args[++i]);
      return true;
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kHelp, stdout);
      return 0;
    }
    if (arg == "--where") {
      if (!value(options.where)) return usage_error("--where needs an expression");
      has_where = true;
    } else if (arg == "--contains") {
      if (!value(options.contains)) return usage_error("--contains needs a text");
      options.has_contains = true;
    } else if (arg == "--entity") {
      if (!value(options.entity)) return usage_error("--entity needs a name");
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usage_error("unknown option '" + std::string(arg) + "'");
    } else if (has_file) {
      return usage_error("only one input file may be given");
    } else {
      options.file = std::string(arg);
      has_file = true;
    }
  }
  if (!has_where) return usage_error("--where is required (use --where '' to match everything)");
  return -1;
}

template <class Record>
int filter_lines(std::FILE* in, const filter::Predicate& predicate) {
  LineReader reader(in);
  Record record;
  // Only what the filter reads is decoded; every line must still be valid JSON.
  const std::vector<std::string> read = predicate.attributes_read();
  std::string_view line;
  std::size_t number = 0;
  std::vector<char> out_buffer(1 << 20);
  std::setvbuf(stdout, out_buffer.data(), _IOFBF, out_buffer.size());
  while (reader.next(line)) {
    ++number;
    if (is_blank(line)) continue;
    const std::string error = index::decode_json(line, record, read);
    if (!error.empty()) {
      std::fflush(stdout);
      std::fprintf(stderr, "rollcall query: line %zu: %s\n", number, error.c_str());
      return 1;
    }
    if (predicate.matches(record)) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    }
  }
  if (reader.failed()) {
    std::fprintf(stderr, "rollcall query: read error: %s\n", std::strerror(errno));
    return 1;
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "rollcall query: write error: %s\n", std::strerror(errno));
    return 1;
  }
  return 0;
}

}  // namespace

int query_command(std::span<const std::string_view> args) {
  Options options;
  if (const int code = parse_options(args, options); code >= 0) return code;
  const filter::Schema* schema = index::schema_for_entity(options.entity);
  if (schema == nullptr) {
    return usage_error("unknown entity '" + options.entity +
                       "' (OrganizationMember or SpaceMember)");
  }
  auto where = filter::compile_where(options.where, *schema);
  if (!where) {
    std::fprintf(stderr, "rollcall query: bad --where: %s\n", where.error().message().c_str());
    return 2;
  }
  std::vector<filter::Predicate> parts{*where};
  if (options.has_contains) parts.push_back(filter::compile_contains(options.contains, *schema));
  const filter::Predicate predicate = filter::all_of(parts);

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  std::FILE* in = stdin;
  if (options.file != "-") {
    file.reset(std::fopen(options.file.c_str(), "rb"));
    if (!file) {
      std::fprintf(stderr, "rollcall query: cannot open %s: %s\n", options.file.c_str(),
                   std::strerror(errno));
      return 1;
    }
    in = file.get();
  }
  return options.entity == "SpaceMember" ? filter_lines<index::SpaceMember>(in, predicate)
                                         : filter_lines<index::OrganizationMember>(in, predicate);
}

}  // namespace rollcall::cli
