// What the crash writer writes and the crash test checks: record (round,
// thread, n) has a unique id, and its username is that id in text, so a
// recovered record can be checked against its key.
#pragma once

#include <cstdint>

#include "rollcall/index/entities.hpp"
#include "rollcall/index/wal.hpp"

namespace rollcall::crash_test {

// Small segments, so rotation and segment dropping happen many times a round.
inline const persist::WalOptions kWalOptions{.segment_bytes = 64 << 10};

inline index::OrganizationMember make_record(std::uint32_t round, std::uint32_t thread,
                                             std::uint64_t n) {
  index::OrganizationMember member;
  auto& id = member.organization_member_id.bytes;
  id[0] = 0xc7;
  for (int i = 0; i < 3; ++i) id[1 + i] = static_cast<std::uint8_t>(round >> (8 * i));
  for (int i = 0; i < 3; ++i) id[4 + i] = static_cast<std::uint8_t>(thread >> (8 * i));
  for (int i = 0; i < 8; ++i) id[8 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  member.username = member.organization_member_id.to_string();
  member.email = member.username + "@crash.test";
  member.display_name = "Crash Test " + std::to_string(n);
  member.role = "MEMBER";
  member.status = "active";
  member.labels = {{"round", std::to_string(round)}};
  member.version = static_cast<std::int64_t>(n);
  return member;
}

}  // namespace rollcall::crash_test
