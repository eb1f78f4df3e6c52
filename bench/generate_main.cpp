// rollcall-generate: deterministic synthetic OrganizationMember records as NDJSON.
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "datagen.hpp"
#include "rollcall/index/json.hpp"

namespace {

using rollcall::bench::GeneratorOptions;

constexpr const char* kHelp =
    R"(usage: rollcall-generate [--members N] [--organizations N] [--seed S] [--big-org-share F]

Writes N synthetic OrganizationMember records to standard output as NDJSON (one
JSON object per line, the API's PascalCase encoding). The same options give the
same bytes on every machine.

The data is skewed like real organizations: a share F of the members belong to
one big organization, the rest to organizations of Zipf-like sizes; about 2% are
OWNER and 10% ADMIN; 15% are pending invitations (UserID null); display names
include non-ASCII letters (Ström, Müller, Søren, ...) and some are written all
in one case; usernames (e.g. ada.lovelace123) are unique; Labels use the keys
environment, region, team and tier, each absent from some records.

options:
  --members N          records to write (default 1000)
  --organizations N    organizations to spread them over (default 10)
  --seed S             PRNG seed, an unsigned 64-bit integer (default 1)
  --big-org-share F    fraction of the members in the biggest organization,
                       0 to 1 (default 0.5)
  -h, --help           this text
)";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "rollcall-generate: %s\n(see rollcall-generate --help)\n", message.c_str());
  return 2;
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, out);
  return error == std::errc() && stop == end;
}

bool parse_share(std::string_view text, double& out) {
  return parse_number(text, out) && out >= 0.0 && out <= 1.0;
}

struct Option {
  std::string_view name;
  bool (*parse)(std::string_view value, GeneratorOptions& options);
};

constexpr Option kOptions[] = {
    {"--members",
     [](std::string_view v, GeneratorOptions& o) { return parse_number(v, o.members); }},
    {"--organizations",
     [](std::string_view v, GeneratorOptions& o) {
       return parse_number(v, o.organizations) && o.organizations > 0;
     }},
    {"--seed", [](std::string_view v, GeneratorOptions& o) { return parse_number(v, o.seed); }},
    {"--big-org-share",
     [](std::string_view v, GeneratorOptions& o) { return parse_share(v, o.big_org_share); }},
};

const Option* find_option(std::string_view name) {
  for (const Option& option : kOptions) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

// Returns -1 when parsing succeeded, else the exit code.
int parse_options(const std::vector<std::string_view>& args, GeneratorOptions& options) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string arg(args[i]);
    if (arg == "-h" || arg == "--help") {
      std::fputs(kHelp, stdout);
      return 0;
    }
    const Option* option = find_option(arg);
    if (option == nullptr) return usage_error("unknown option '" + arg + "'");
    if (i + 1 >= args.size()) return usage_error(arg + " needs a value");
    const std::string_view value = args[++i];
    if (!option->parse(value, options)) {
      return usage_error("bad value '" + std::string(value) + "' for " + arg);
    }
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  GeneratorOptions options;
  if (const int code = parse_options({argv + 1, argv + argc}, options); code >= 0) return code;
  std::vector<char> out_buffer(1 << 20);
  std::setvbuf(stdout, out_buffer.data(), _IOFBF, out_buffer.size());
  const rollcall::bench::MemberGenerator generator(options);
  std::string line;
  for (std::size_t i = 0; i < options.members; ++i) {
    line.clear();
    rollcall::index::encode_json(generator.member(i), line);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  if (std::fflush(stdout) != 0) {
    std::perror("rollcall-generate: write error");
    return 1;
  }
  return 0;
}
