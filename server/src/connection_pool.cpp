#include "connection_pool.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

#include "retrying.hpp"

namespace rollcall::server {
namespace {

constexpr std::uint64_t kWakeId = 0;

// Reads per turn of a lingering connection: a client sending without pause
// cannot keep a worker for longer.
constexpr int kDrainReads = 64;

int checked(int result, const char* call) {
  if (result < 0) throw std::system_error(errno, std::generic_category(), call);
  return result;
}

ConnectionPoolOptions normalized(ConnectionPoolOptions options) {
  options.workers = std::max<std::size_t>(options.workers, 1);
  options.max_workers = std::max(options.max_workers, options.workers);
  return options;
}

}  // namespace

PooledConnection::~PooledConnection() {
  ::shutdown(sock_, SHUT_RDWR);
  ::close(sock_);
}

ConnectionPool::ConnectionPool(ConnectionPoolOptions options)
    : options_(normalized(options)),
      epoll_(checked(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
      wake_(checked(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd")) {
  epoll_event wake{};
  wake.events = EPOLLIN;  // level-triggered: once written, it wakes every worker
  wake.data.u64 = kWakeId;
  checked(::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &wake), "epoll_ctl");
  try {
    const std::lock_guard lock(mutex_);
    running_ = options_.workers;
    workers_.reserve(running_);
    for (std::size_t i = 0; i < running_; ++i) workers_.emplace_back([this] { work(); });
    housekeeper_ = std::thread([this] { housekeep(); });
  } catch (...) {  // no thread may outlive the pool, nor a joinable std::thread be destroyed
    join();
    ::close(wake_);
    ::close(epoll_);
    throw;
  }
}

ConnectionPool::~ConnectionPool() {
  join();
  ::close(wake_);
  ::close(epoll_);
}

std::unique_ptr<PooledConnection> ConnectionPool::add(std::unique_ptr<PooledConnection> connection,
                                                      Clock::duration timeout) {
  const std::lock_guard lock(mutex_);
  if (stopping_ || entries_.size() >= options_.max_connections) return connection;
  const std::uint64_t id = next_id_++;
  const int sock = connection->socket();
  Entry& entry = entries_[id];
  entry.connection = std::move(connection);
  entry.deadline = Clock::now() + timeout;
  if (!arm(id, sock, EPOLL_CTL_ADD)) {
    connection = std::move(entry.connection);
    entries_.erase(id);
  }
  return connection;
}

void ConnectionPool::stop() {
  Closing closing;
  const std::lock_guard lock(mutex_);
  if (stopping_) return;
  stopping_ = true;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.busy || it->second.lingering) {  // lingering ones end on their own
      ++it;
    } else {
      closing.push_back(std::move(it->second.connection));
      it = entries_.erase(it);
    }
  }
  wake_all_if_done();
  spare_call_.notify_all();
  stopped_.notify_all();
}

void ConnectionPool::join() {
  stop();  // after it no worker is added, so workers_ stays as it is
  if (housekeeper_.joinable()) housekeeper_.join();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

ConnectionPool::Stats ConnectionPool::stats() const {
  const std::lock_guard lock(mutex_);
  return {entries_.size(), running_, blocked_, spares_ + called_};
}

thread_local ConnectionPool* ConnectionPool::current_pool_ = nullptr;
thread_local ConnectionPool::Entry* ConnectionPool::current_entry_ = nullptr;

void ConnectionPool::mark_blocking() {
  if (current_pool_ == nullptr) return;
  const std::lock_guard lock(current_pool_->mutex_);
  current_pool_->block(*current_entry_);
}

void ConnectionPool::work() {
  const int idle_millis = static_cast<int>(options_.sweep_interval.count());
  for (;;) {
    epoll_event event{};
    const int ready = ::epoll_wait(epoll_, &event, 1, idle_millis);
    if (ready == 0) {  // idle for an interval: a surplus worker parks
      std::unique_lock lock(mutex_);
      if (!stopping_ && !park(lock, options_.workers)) return;
    } else if (ready > 0 && (event.data.u64 == kWakeId || !serve(event.data.u64))) {
      return;
    }
  }
}

bool ConnectionPool::serve(std::uint64_t id) {
  Entry* entry = nullptr;
  {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end() || it->second.busy) return true;  // closed after the event came
    entry = &it->second;
    entry->busy = true;
    entry->busy_since = Clock::now();
  }
  current_pool_ = this;
  current_entry_ = entry;
  const PooledConnection::Next next =
      entry->lingering ? drain(entry->connection->socket()) : entry->connection->serve();
  current_pool_ = nullptr;
  current_entry_ = nullptr;
  Closing closing;
  std::unique_lock lock(mutex_);
  const bool was_blocking = entry->blocking;
  requeue(id, *entry, next, closing);
  // Up to twice the workers run on, so that the next write need not call a
  // spare back; the rest park now, and those at the next idle interval.
  const std::size_t keep_running = 2 * options_.workers;
  if (!was_blocking || running_ - blocked_ <= keep_running) return true;
  lock.unlock();
  closing.clear();  // before parking: they would stay open meanwhile
  lock.lock();
  return park(lock, keep_running);
}

// Reads and drops what a lingering connection's client still sends.
PooledConnection::Next ConnectionPool::drain(int sock) const {
  std::array<char, 16384> sink{};
  for (int i = 0; i < kDrainReads; ++i) {
    const ssize_t n =
        retrying([&] { return ::recv(sock, sink.data(), sink.size(), MSG_DONTWAIT); });
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return {};
    if (n < 0) break;
  }
  return {PooledConnection::Next::Kind::linger, {}};
}

// Arms the entry again, or moves its connection to `closing`.
void ConnectionPool::requeue(std::uint64_t id, Entry& entry, const PooledConnection::Next& next,
                             Closing& closing) {
  using Kind = PooledConnection::Next::Kind;
  const int sock = entry.connection->socket();
  // While stopping, only a lingering close goes on: closing with the client's
  // bytes unread would reset the connection before it has read the answer.
  const bool keep = next.kind == Kind::linger || (next.kind == Kind::wait && !stopping_);
  if (keep && next.kind == Kind::linger && !entry.lingering) {
    entry.lingering = true;
    entry.deadline = Clock::now() + next.timeout;
    ::shutdown(sock, SHUT_WR);
  } else if (keep && next.kind == Kind::wait) {
    entry.deadline = Clock::now() + next.timeout;
  }
  if (entry.blocking) --blocked_;
  entry.blocking = false;
  entry.busy = false;
  if (keep && arm(id, sock, EPOLL_CTL_MOD)) return;
  closing.push_back(std::move(entry.connection));
  entries_.erase(id);
  wake_all_if_done();
}

// Counts the entry's worker as blocked, and calls back a spare thread or
// starts one so that options_.workers run besides the blocked ones.
void ConnectionPool::block(Entry& entry) {
  if (entry.blocking) return;
  entry.blocking = true;
  ++blocked_;
  while (!stopping_ && running_ - blocked_ < options_.workers && running_ < options_.max_workers) {
    ++running_;
    if (spares_ > 0) {
      --spares_;
      ++called_;
      spare_call_.notify_one();
      continue;
    }
    try {
      workers_.emplace_back([this] { work(); });
    } catch (...) {  // no more threads: go on with those there are
      --running_;
      return;
    }
  }
}

// While more than `running` workers run besides blocked ones, the caller
// waits as a spare until called back; false when the pool stops first.
bool ConnectionPool::park(std::unique_lock<std::mutex>& lock, std::size_t running) {
  if (stopping_ || running_ - blocked_ <= running) return !stopping_;
  --running_;
  ++spares_;
  spare_call_.wait(lock, [this] { return called_ > 0 || stopping_; });
  if (called_ == 0) return false;
  --called_;
  return true;
}

// Closes connections past their deadline, and counts workers busy with one
// connection for a whole interval as blocked.
void ConnectionPool::housekeep() {
  std::unique_lock lock(mutex_);
  while (!stopping_ || !entries_.empty()) {
    stopped_.wait_for(lock, options_.sweep_interval);
    Closing closing;
    sweep(closing);
    lock.unlock();
    closing.clear();
    lock.lock();
  }
}

void ConnectionPool::sweep(Closing& closing) {
  const Clock::time_point now = Clock::now();
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& entry = it->second;
    if (entry.busy && now - entry.busy_since >= options_.sweep_interval) block(entry);
    if (!entry.busy && entry.deadline <= now) {
      closing.push_back(std::move(entry.connection));
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  wake_all_if_done();
}

bool ConnectionPool::arm(std::uint64_t id, int sock, int operation) const {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.u64 = id;
  return ::epoll_ctl(epoll_, operation, sock, &event) == 0;
}

void ConnectionPool::wake_all_if_done() {
  if (!stopping_ || !entries_.empty()) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_, &one, sizeof one);
  stopped_.notify_all();  // the housekeeper too
}

}  // namespace rollcall::server
