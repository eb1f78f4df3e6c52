// The Directory's users: one shared record each, found by ID, by Username and
// by case-folded Email through hashed indexes whose keys are computed from the
// record (no copy of the text), and copied as pointers by a snapshot.
#pragma once

#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index_container.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "folded_email.hpp"
#include "rollcall/index/entities.hpp"
#include "uuid_hash.hpp"

namespace rollcall::index::detail {

using UserPtr = std::shared_ptr<const User>;

class UserTable {
 public:
  void reserve(std::size_t users);
  // Adds `user`, or replaces the user with its ID.
  void put(User&& user);
  void erase(const Uuid& id);

  UserPtr find(const Uuid& id) const;
  bool has_username(std::string_view username) const;
  // Ignoring ASCII case.
  bool has_email(std::string_view email) const;
  std::size_t size() const { return users_.size(); }
  std::vector<UserPtr> all() const { return {users_.begin(), users_.end()}; }

 private:
  struct IdKey {
    using result_type = Uuid;
    const Uuid& operator()(const UserPtr& user) const { return user->user_id; }
  };
  struct UsernameKey {
    using result_type = std::string_view;
    std::string_view operator()(const UserPtr& user) const { return user->username; }
  };
  struct EmailKey {
    using result_type = FoldedEmail;
    FoldedEmail operator()(const UserPtr& user) const { return {user->email}; }
  };
  struct ById {};
  struct ByUsername {};
  struct ByEmail {};
  // Names and emails are unique by the Directory's rules, not by the table's:
  // a log that broke them still loads whole.
  using Users = boost::multi_index::multi_index_container<
      UserPtr,
      boost::multi_index::indexed_by<
          boost::multi_index::hashed_unique<boost::multi_index::tag<ById>, IdKey, UuidHash>,
          boost::multi_index::hashed_non_unique<boost::multi_index::tag<ByUsername>, UsernameKey>,
          boost::multi_index::hashed_non_unique<boost::multi_index::tag<ByEmail>, EmailKey,
                                                FoldedEmailHash, FoldedEmailEqual>>>;
  Users users_;
};

}  // namespace rollcall::index::detail
