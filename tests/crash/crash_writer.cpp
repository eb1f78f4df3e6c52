// The child of the crash test: opens <data-dir> through Directory::open, as
// the server does, creates a user and the organization they own, then invites
// members from several threads as fast as it can, printing each write's line
// (crash_protocol.hpp) only after the call has returned success. A background
// snapshot starts every 20 writes. It runs until it is killed.
//
//   crash_writer <data-dir> <round> <threads>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "crash_protocol.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::crash_test {
namespace {

using index::Directory;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "crash_writer: %s\n", what.c_str());
  std::exit(3);
}

// One write() per line: a pipe never interleaves or splits it.
void report(std::string line) {
  line.push_back('\n');
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    fail("cannot report an acknowledged write");
  }
}

filter::Uuid create_owned_organization(Directory& directory, std::uint32_t round) {
  const std::string name = owner_name(round);
  auto made =
      directory.create_user({name, std::string(name).append("@crash.test"), name, "", "", ""});
  if (!made) fail(made.error().message);
  const auto& owner = std::get<index::CreatedUser>(*made);
  auto created = directory.create_organization(owner.user, {name, "", ""});
  if (!created) fail(created.error().message);
  const auto& org = std::get<index::Organization>(*created);
  std::string line = "owner ";
  line.append(std::to_string(round)).append(" ").append(owner.user.user_id.to_string());
  line.append(" ").append(org.organization_id.to_string()).append(" ").append(owner.token);
  report(std::move(line));
  return org.organization_id;
}

[[noreturn]] void invite_forever(Directory& directory, const filter::Uuid& org, std::uint32_t round,
                                 std::uint32_t thread) {
  for (std::uint64_t n = 0;; ++n) {
    const WriteKey key{round, thread, n};
    index::Invitation invitation{member_email(key), {}};
    invitation.settings.labels = {{"n", std::to_string(n)}};
    auto invited = directory.invite(index::Actor::admin(), org, std::move(invitation));
    if (!invited) fail(invited.error().message);
    const auto& member = std::get<index::MemberPtr>(*invited);
    std::string line = "member ";
    line.append(std::to_string(round)).append(" ").append(std::to_string(thread));
    line.append(" ").append(std::to_string(n)).append(" ");
    report(line.append(member->organization_member_id.to_string()));
  }
}

int run(int argc, char** argv) {
  if (argc != 4) fail("usage: crash_writer <data-dir> <round> <threads>");
  const std::string dir = argv[1];
  const auto round = static_cast<std::uint32_t>(std::atoi(argv[2]));
  const int threads = std::atoi(argv[3]);
  auto opened = Directory::open(dir, directory_options());
  if (!opened) fail(opened.status().message());
  Directory& directory = **opened;
  const filter::Uuid org = create_owned_organization(directory, round);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&directory, &org, round, t] {
      invite_forever(directory, org, round, static_cast<std::uint32_t>(t));
    });
  }
  // A safety net should the parent never kill us.
  std::this_thread::sleep_for(std::chrono::seconds(60));
  std::_Exit(4);
}

}  // namespace
}  // namespace rollcall::crash_test

int main(int argc, char** argv) { return rollcall::crash_test::run(argc, argv); }
