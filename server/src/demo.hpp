// `rollcall serve --demo`: a realistic data set in an empty data directory.
#pragma once

#include <string>

#include "rollcall/index/directory.hpp"

namespace rollcall::server {

struct DemoData {
  index::Organization organization;  // the big one
  std::string token;                 // of its OWNER, the demo user
};

// Fills an empty directory: one organization of 100,000 members and a few
// small ones, plus a demo user who owns the big one; in the big one, spaces
// "platform", "data" and "security" with members and the saved filters
// "admins" and "platform-admins". Creates a new token for
// the demo user when the directory was already filled.
index::DirectoryResult<DemoData> fill_demo(index::Directory& directory);

}  // namespace rollcall::server
