#include "rollcall/index/recovery.hpp"

namespace rollcall::index {

std::string Recovery::message() const {
  std::string out;
  if (snapshot) {
    out = "loaded snapshot " + snapshot->path + " (log sequence " +
          std::to_string(snapshot->sequence) + ", " +
          std::to_string(snapshot->organization_members) + " members)";
  } else {
    out = "no snapshot";
  }
  out += "; replayed " + std::to_string(replayed) + " log records";
  for (const std::string& skipped : skipped_snapshots) out += "; passed over " + skipped;
  if (damage) out += "; log cut at " + damage->message();
  return out;
}

}  // namespace rollcall::index
