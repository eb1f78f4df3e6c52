#include "user_table.hpp"

namespace rollcall::index::detail {

void UserTable::reserve(std::size_t users) {
  users_.get<ById>().reserve(users);  // each index rehashes on its own
  users_.get<ByUsername>().reserve(users);
  users_.get<ByEmail>().reserve(users);
}

void UserTable::put(User&& user) {
  auto record = std::make_shared<const User>(std::move(user));
  auto& by_id = users_.get<ById>();
  if (auto found = by_id.find(record->user_id); found != by_id.end()) {
    by_id.replace(found, record);
  } else {
    by_id.insert(std::move(record));
  }
}

void UserTable::erase(const Uuid& id) { users_.get<ById>().erase(id); }

UserPtr UserTable::find(const Uuid& id) const {
  const auto& by_id = users_.get<ById>();
  const auto found = by_id.find(id);
  return found == by_id.end() ? nullptr : *found;
}

bool UserTable::has_username(std::string_view username) const {
  const auto& by_username = users_.get<ByUsername>();
  return by_username.find(username) != by_username.end();
}

bool UserTable::has_email(std::string_view email) const {
  const auto& by_email = users_.get<ByEmail>();
  return by_email.find(FoldedEmail{email}) != by_email.end();
}

}  // namespace rollcall::index::detail
