#include "datagen.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "splitmix64.hpp"

namespace rollcall::bench {
namespace {

using filter::Timestamp;
using filter::Uuid;
using index::Labels;
using index::OrganizationMember;

// Values of the generator's distributions, from SplitMix64.
class Rng : public SplitMix64 {
 public:
  using SplitMix64::SplitMix64;

  // Index k in [0, n) with weight 1/(k+1), n <= 16 (720720 = lcm(1..16)).
  std::size_t zipf(std::size_t n) {
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < n; ++k) total += 720720 / (k + 1);
    std::uint64_t draw = below(total);
    std::size_t k = 0;
    while (draw >= 720720 / (k + 1)) draw -= 720720 / (k++ + 1);
    return k;
  }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }
  template <class T, std::size_t N>
  const T& pick_skewed(const std::array<T, N>& items) {
    static_assert(N <= 16);
    return items[zipf(N)];
  }

  Uuid uuid() {
    Uuid id;
    for (std::size_t half = 0; half < 2; ++half) {
      const std::uint64_t bits = next();
      for (std::size_t i = 0; i < 8; ++i) id.bytes[half * 8 + i] = (bits >> (8 * i)) & 0xFF;
    }
    id.bytes[6] = (id.bytes[6] & 0x0F) | 0x40;  // version 4
    id.bytes[8] = (id.bytes[8] & 0x3F) | 0x80;  // RFC 4122 variant
    return id;
  }
};

// Separate streams for the shared tables and for each record (record i uses
// stream i; table streams have the top bit set so no record index reaches them).
constexpr std::uint64_t kTableStream = std::uint64_t{1} << 63;
constexpr std::uint64_t kOrganizationStream = kTableStream | 1;
constexpr std::uint64_t kRoleStream = kTableStream | 2;
constexpr std::uint64_t kActorStream = kTableStream | 3;

Rng stream(std::uint64_t seed, std::uint64_t tag) {
  Rng mixer(seed ^ (tag * 0xD1B54A32D192ED03ULL));
  return Rng(mixer.next());
}

std::vector<Uuid> uuids(Rng rng, std::size_t count) {
  std::vector<Uuid> ids(count);
  for (Uuid& id : ids) id = rng.uuid();
  return ids;
}

struct Name {
  std::string_view display;
  std::string_view handle;  // lowercase, as in usernames and emails
};

constexpr std::array<Name, 26> kFirstNames = {{
    {"Ada", "ada"},         {"Grace", "grace"},     {"Alan", "alan"},         {"Linus", "linus"},
    {"Barbara", "barbara"}, {"Frances", "frances"}, {"Margaret", "margaret"}, {"Dennis", "dennis"},
    {"Ken", "ken"},         {"Edsger", "edsger"},   {"Donald", "donald"},     {"Radia", "radia"},
    {"Anne", "anne"},       {"Tim", "tim"},         {"Joan", "joan"},         {"Mary", "mary"},
    {"Ingrid", "ingrid"},   {"Søren", "søren"},     {"Zoë", "zoë"},           {"Renée", "renée"},
    {"Émile", "émile"},     {"Łukasz", "łukasz"},   {"Øyvind", "øyvind"},     {"Ðorđe", "ðorđe"},
    {"Иван", "иван"},       {"Σοφία", "σοφία"},
}};

constexpr std::array<Name, 28> kLastNames = {{
    {"Lovelace", "lovelace"},
    {"Hopper", "hopper"},
    {"Turing", "turing"},
    {"Torvalds", "torvalds"},
    {"Liskov", "liskov"},
    {"Allen", "allen"},
    {"Hamilton", "hamilton"},
    {"Ritchie", "ritchie"},
    {"Thompson", "thompson"},
    {"Dijkstra", "dijkstra"},
    {"Knuth", "knuth"},
    {"Perlman", "perlman"},
    {"Berners-Lee", "berners-lee"},
    {"Clarke", "clarke"},
    {"Ng", "ng"},
    {"van Rossum", "vanrossum"},
    {"de la Cruz", "delacruz"},
    {"O'Neil", "oneil"},
    {"Müller", "müller"},
    {"Ström", "ström"},
    {"Ångström", "ångström"},
    {"Glover", "glover"},
    {"Smith-Jones", "smith-jones"},
    {"MacDonald", "macdonald"},
    {"Kowalski", "kowalski"},
    {"Nakamura", "nakamura"},
    {"Петров", "петров"},
    {"山田", "山田"},
}};

// Upper/lowercase pairs for the non-ASCII letters above that have a case partner
// in the names (others are left as they are).
constexpr std::pair<std::string_view, std::string_view> kCasePairs[] = {
    {"Ø", "ø"}, {"Ö", "ö"}, {"Ü", "ü"}, {"Å", "å"}, {"É", "é"},
    {"Ë", "ë"}, {"Ł", "ł"}, {"Ð", "ð"}, {"Đ", "đ"},
};

// Appends the non-ASCII character `text` starts with, in upper or lower case when
// kCasePairs has it, else unchanged; returns its length in bytes.
std::size_t append_non_ascii(std::string_view text, bool upper, std::string& out) {
  for (const auto& [big, small] : kCasePairs) {
    const std::string_view from = upper ? small : big;
    if (text.starts_with(from)) {
      out += upper ? big : small;
      return from.size();
    }
  }
  std::size_t length = 1;
  while (length < text.size() && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) {
    ++length;
  }
  out += text.substr(0, length);
  return length;
}

char ascii_case(char c, bool upper) {
  if (upper && c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
  if (!upper && c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return c;
}

std::string change_case(std::string_view text, bool upper) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) {
      i += append_non_ascii(text.substr(i), upper, out);
    } else {
      out.push_back(ascii_case(text[i++], upper));
    }
  }
  return out;
}

// Mostly "First Last"; some records were typed in one case.
std::string display_name(Rng& rng, const Name& first, const Name& last) {
  std::string name = std::string(first.display) + " " + std::string(last.display);
  const std::uint64_t style = rng.below(100);
  if (style < 5) return change_case(name, /*upper=*/false);
  if (style < 8) return change_case(name, /*upper=*/true);
  return name;
}

std::string hex(Rng& rng, std::size_t digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < digits; ++i) out.push_back(kDigits[rng.below(16)]);
  return out;
}

void fill_identity(Rng& rng, std::size_t index, OrganizationMember& m) {
  const Name& first = rng.pick(kFirstNames);
  const Name& last = rng.pick(kLastNames);
  const std::string number = std::to_string(index);
  const std::string username = std::string(first.handle) + "." + std::string(last.handle) + number;
  m.username = username;
  m.slug = std::string(first.handle) + "-" + std::string(last.handle) + number;
  m.email = username + "@" + std::string(rng.pick(kEmailDomains));
  m.display_name = display_name(rng, first, last);
  if (rng.percent(30)) m.external_id = "okta|00u" + hex(rng, 10);
  if (rng.percent(70)) m.profile_picture_url = "https://img.example.com/" + number + ".png";
}

// About 2% OWNER, 10% ADMIN; 15% pending invitations, which have no user yet.
void fill_access(Rng& rng, OrganizationMember& m) {
  const std::uint64_t role = rng.below(1000);
  m.role = role < 20 ? kRoles[0] : role < 120 ? kRoles[1] : kRoles[2];
  const bool pending = rng.percent(15);
  m.status = pending ? kStatuses[1] : kStatuses[0];
  if (!pending) m.user_id = rng.uuid();
  m.required_sso_auth = rng.percent(30);
  m.required_mfa_auth = rng.percent(60);
}

void fill_role_ids(Rng& rng, std::span<const Uuid> pool, OrganizationMember& m) {
  constexpr unsigned kCountPercents[] = {10, 40, 25, 15, 10};  // 0..4 role ids
  std::uint64_t draw = rng.below(100);
  std::size_t count = 0;
  while (draw >= kCountPercents[count]) draw -= kCountPercents[count++];
  std::vector<Uuid> ids;
  while (ids.size() < count) {
    const Uuid& id = pool[rng.below(pool.size())];
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  m.role_ids = std::move(ids);
}

template <std::size_t N>
void maybe_label(Rng& rng, unsigned chance, std::string_view key,
                 const std::array<std::string_view, N>& values, Labels& labels) {
  if (rng.percent(chance)) labels.emplace_back(key, rng.pick_skewed(values));
}

// In kLabelKeys order, which keeps Labels sorted by key.
void fill_labels(Rng& rng, OrganizationMember& m) {
  Labels labels;
  maybe_label(rng, 65, kLabelKeys[0], kEnvironments, labels);
  maybe_label(rng, 30, kLabelKeys[1], kRegions, labels);
  maybe_label(rng, 60, kLabelKeys[2], kTeams, labels);
  maybe_label(rng, 70, kLabelKeys[3], kTiers, labels);
  m.labels = std::move(labels);
}

constexpr std::int64_t kMicrosPerMilli = 1000;
constexpr std::int64_t kStartMillis = 1672531200000;  // 2023-01-01T00:00:00Z
constexpr std::int64_t kEndMillis = 1798761600000;    // 2027-01-01T00:00:00Z
constexpr std::int64_t kMaxEditMillis = 200LL * 24 * 3600 * 1000;

// Versions skew low (40% never edited); edits come after creation.
void fill_history(Rng& rng, std::span<const Uuid> actors, OrganizationMember& m) {
  m.version = rng.percent(40) ? 1 : 1 + static_cast<std::int64_t>(rng.below(30));
  const auto created =
      kStartMillis + static_cast<std::int64_t>(rng.below(kEndMillis - kStartMillis));
  const auto edited = created + static_cast<std::int64_t>(rng.below(kMaxEditMillis));
  const std::int64_t updated = m.version == 1 ? created : std::min(edited, kEndMillis - 1);
  m.created_at = Timestamp{created * kMicrosPerMilli};
  m.updated_at = Timestamp{updated * kMicrosPerMilli};
  if (rng.percent(80)) m.created_by = actors[rng.below(actors.size())];
  if (m.version > 1 && rng.percent(80)) m.updated_by = actors[rng.below(actors.size())];
}

}  // namespace

MemberGenerator::MemberGenerator(const GeneratorOptions& options)
    : options_(options),
      big_threshold_(
          static_cast<std::uint64_t>(std::clamp(options.big_org_share, 0.0, 1.0) * 4294967296.0)),
      organization_ids_(uuids(stream(options.seed, kOrganizationStream),
                              std::max<std::size_t>(options.organizations, 1))),
      role_ids_(uuids(stream(options.seed, kRoleStream), 12)),
      actor_ids_(uuids(stream(options.seed, kActorStream), 64)) {
  std::uint64_t total = 0;
  for (std::size_t rank = 1; rank < organization_ids_.size(); ++rank) {
    total += (std::uint64_t{1} << 32) / rank;
    zipf_cumulative_.push_back(total);
  }
}

const Uuid& MemberGenerator::organization_id(std::size_t organization) const {
  return organization_ids_.at(organization);
}

std::size_t MemberGenerator::pick_organization(std::uint64_t draw_big,
                                               std::uint64_t draw_rest) const {
  if (zipf_cumulative_.empty() || (draw_big >> 32) < big_threshold_) return 0;
  const std::uint64_t point = draw_rest % zipf_cumulative_.back();
  const auto it = std::upper_bound(zipf_cumulative_.begin(), zipf_cumulative_.end(), point);
  return 1 + static_cast<std::size_t>(it - zipf_cumulative_.begin());
}

OrganizationMember MemberGenerator::member(std::size_t index) const {
  Rng rng = stream(options_.seed, index);
  OrganizationMember m;
  m.organization_member_id = rng.uuid();
  const std::uint64_t draw_big = rng.next();
  const std::size_t organization = pick_organization(draw_big, rng.next());
  m.organization_id = organization_ids_[organization];
  fill_identity(rng, index, m);
  if (rng.percent(10)) m.external_organization_id = "ext-" + std::to_string(organization);
  fill_access(rng, m);
  fill_role_ids(rng, role_ids_, m);
  fill_labels(rng, m);
  fill_history(rng, actor_ids_, m);
  return m;
}

std::vector<OrganizationMember> generate_members(const GeneratorOptions& options) {
  const MemberGenerator generator(options);
  std::vector<OrganizationMember> members;
  members.reserve(options.members);
  for (std::size_t i = 0; i < options.members; ++i) members.push_back(generator.member(i));
  return members;
}

GeneratorOptions index_bench_options(int argc, char** argv) {
  GeneratorOptions options;
  options.members = 1'000'000;
  options.organizations = 1000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--members") options.members = std::stoul(argv[++i]);
  }
  return options;
}

}  // namespace rollcall::bench
