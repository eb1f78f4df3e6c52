#include "rollcall/index/recovery.hpp"

namespace rollcall::index {

std::string Recovery::message() const {
  std::string out;
  if (snapshot) {
    out.append("loaded snapshot ").append(snapshot->path);
    out.append(" (log sequence ").append(std::to_string(snapshot->sequence));
    out.append(", ").append(std::to_string(snapshot->organization_members)).append(" members)");
  } else {
    out = "no snapshot";
  }
  out.append("; replayed ").append(std::to_string(replayed)).append(" log records");
  for (const std::string& skipped : skipped_snapshots) out.append("; passed over ").append(skipped);
  if (damage) out.append("; log cut at ").append(damage->message());
  return out;
}

}  // namespace rollcall::index
