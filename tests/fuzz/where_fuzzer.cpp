// Feeds arbitrary bytes to compile_where over the OrganizationMember schema and
// evaluates what compiles on a few fixed records. Also checks that normalized
// text compiles again to the same normalized text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/filter.hpp"
#include "rollcall/index/json.hpp"
#include "rollcall/index/schemas.hpp"

namespace {

using rollcall::index::OrganizationMember;

const std::vector<OrganizationMember>& records() {
  static const auto* all = [] {
    auto* out = new std::vector<OrganizationMember>;
    const char* lines[] = {
        R"({"OrganizationMemberID":"5c000284-9745-474e-84d5-ecab3be54df3","OrganizationID":"c2b9546e-0f02-40f3-adb7-f1d5cbf15150","UserID":null,"Username":"grace.turing0","DisplayName":"Grace Ström","Email":"grace@EXAMPLE.NET","Role":"OWNER","Status":"pending","RoleIDs":["260db342-ed25-4198-9c8d-81a9e520ad2a"],"Labels":{"team":"sre","app.kubernetes.io/name":"x"},"RequiredSSOAuth":true,"Version":3,"CreatedAt":"2025-07-29T06:34:21.444Z","UpdatedAt":"2025-07-30T00:00:00Z"})",
        R"({"OrganizationMemberID":"4d428295-6405-4d49-bd52-720c54850024","Username":"o'brien\\50%_","DisplayName":"","Role":"MEMBER","RoleIDs":[],"Labels":{}})",
    };
    for (const char* line : lines) {
      out->emplace_back();
      if (!rollcall::index::decode_json(line, out->back()).empty()) std::abort();
    }
    return out;
  }();
  return *all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& schema = rollcall::index::organization_member_schema();
  auto predicate = rollcall::filter::compile_where(text, schema);
  if (!predicate) {
    if (predicate.error().column == 0 || predicate.error().what.empty()) std::abort();
    return 0;
  }
  for (const OrganizationMember& record : records()) (void)predicate->evaluate(record);
  const std::string normalized = predicate->normalized();
  auto again = rollcall::filter::compile_where(normalized, schema);
  if (!again || again->normalized() != normalized) std::abort();
  return 0;
}
