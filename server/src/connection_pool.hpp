// Open connections wait for their next request in one epoll set, not on a
// thread each: a few worker threads take turns waiting on the set, and each is
// woken for one connection with bytes to read, which it serves until the
// connection has to wait again. Few threads run at once, so requests are
// answered roughly in the order they arrive instead of in time slices.
//
// A worker whose connection may wait long (a durable write waiting for fsync,
// a client that sends or reads slowly) is made up for: mark_blocking() says so
// in advance, and a housekeeping thread counts any worker busy with one
// connection for a sweep interval. Another thread then runs in its place, up
// to max_workers. Once blocked ones return, surplus threads park as spares:
// those beyond twice the workers at once, the rest after an idle interval.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace rollcall::server {

class PooledConnection {
 public:
  using Clock = std::chrono::steady_clock;
  // What the pool does with the connection once serve() returns.
  struct Next {
    enum class Kind {
      wait,    // for the next bytes, at most `timeout`, then close
      linger,  // stop sending, drain what the client still sends for `timeout`, close
      close,
    };
    Kind kind = Kind::close;
    Clock::duration timeout{};
  };

  explicit PooledConnection(int sock) : sock_(sock) {}
  virtual ~PooledConnection();  // closes the socket
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;

  int socket() const { return sock_; }
  // Called on a worker when bytes (or the end of input) can be read.
  virtual Next serve() = 0;

 private:
  int sock_;
};

struct ConnectionPoolOptions {
  std::size_t workers = 4;        // running at once, besides blocked ones
  std::size_t max_workers = 512;  // threads in all, blocked ones included
  std::size_t max_connections = 1024;
  // How often deadlines and long-busy workers are checked.
  std::chrono::milliseconds sweep_interval{100};
};

class ConnectionPool {
 public:
  using Clock = PooledConnection::Clock;

  explicit ConnectionPool(ConnectionPoolOptions options);  // starts the workers
  ~ConnectionPool();                                       // stop() and join()
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Takes the connection, which waits at most `timeout` for its first bytes.
  // Hands it back when max_connections are open or the pool is stopping.
  std::unique_ptr<PooledConnection> add(std::unique_ptr<PooledConnection> connection,
                                        Clock::duration timeout);
  // Closes the waiting connections now, and the others once their request is
  // answered or their lingering close is over. Thread-safe and idempotent.
  void stop();
  // stop(), then waits until every connection is closed and the workers have
  // ended. Not to be called from two threads at once.
  void join();

  // Called from PooledConnection::serve(): it may wait a while, so another
  // worker may run meanwhile. Lasts until serve() returns. Elsewhere, does nothing.
  static void mark_blocking();

  struct Stats {
    std::size_t connections = 0;  // open: waiting, being served or lingering
    std::size_t running = 0;      // worker threads not parked, blocked ones included
    std::size_t blocked = 0;      // ... of which counted as blocked
    std::size_t spares = 0;       // parked
  };
  Stats stats() const;

 private:
  struct Entry {
    std::unique_ptr<PooledConnection> connection;
    Clock::time_point deadline;
    bool busy = false;      // a worker has it (it is not armed in the epoll set)
    bool blocking = false;  // ... and counts as blocked
    bool lingering = false;
    Clock::time_point busy_since;
  };
  using Closing = std::vector<std::unique_ptr<PooledConnection>>;

  void work();
  bool serve(std::uint64_t id);  // false: the worker ends
  PooledConnection::Next drain(int sock) const;
  // The rest hold mutex_.
  void requeue(std::uint64_t id, Entry& entry, const PooledConnection::Next& next,
               Closing& closing);
  void block(Entry& entry);
  bool park(std::unique_lock<std::mutex>& lock, std::size_t running);
  void housekeep();
  void sweep(Closing& closing);
  bool arm(std::uint64_t id, int sock, int operation) const;
  void wake_all_if_done();

  const ConnectionPoolOptions options_;
  int epoll_ = -1;
  int wake_ = -1;  // an eventfd, readable once the pool is stopped and empty
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 1;  // 0 names wake_ in the epoll set
  bool stopping_ = false;
  std::size_t running_ = 0;  // worker threads not parked as spares
  std::size_t blocked_ = 0;  // entries marked blocking
  std::size_t spares_ = 0;   // parked threads not yet called back
  std::size_t called_ = 0;   // parked threads called back, not yet running
  std::condition_variable spare_call_;
  std::condition_variable stopped_;  // wakes the housekeeper at stop() and when empty
  std::vector<std::thread> workers_;
  std::thread housekeeper_;

  // The pool and entry of the connection the calling worker serves.
  static thread_local ConnectionPool* current_pool_;
  static thread_local Entry* current_entry_;
};

}  // namespace rollcall::server
