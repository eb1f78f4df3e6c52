// ConnectionPool over socket pairs: serving on arrival, deadlines, the
// connection limit, lingering, stopping, and workers made up for when blocked.
#include "connection_pool.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <functional>
#include <string>

#include "waiting.hpp"

namespace rollcall::server {
namespace {

using namespace std::chrono_literals;
using testing_support::eventually;
using testing_support::Gate;
using Kind = PooledConnection::Next::Kind;

// Echoes what has arrived, then answers as `decide` says; closes at the end of input.
// Tests declare their pool after its clients and whatever `decide` uses, so
// that the pool closes its connections first.
class EchoConnection final : public PooledConnection {
 public:
  using Decide = std::function<Next(const std::string& got)>;
  EchoConnection(int sock, Decide decide, std::atomic<bool>& closed)
      : PooledConnection(sock), decide_(std::move(decide)), closed_(closed) {}
  ~EchoConnection() override { closed_ = true; }

  Next serve() override {
    std::array<char, 256> buffer{};
    const ssize_t n = ::recv(socket(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n == 0) return {};
    const std::string got(buffer.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
    const Next next = decide_(got);
    ::send(socket(), got.data(), got.size(), MSG_NOSIGNAL);
    return next;
  }

 private:
  Decide decide_;
  std::atomic<bool>& closed_;
};

PooledConnection::Next wait_for(PooledConnection::Clock::duration timeout) {
  return {Kind::wait, timeout};
}

// The client's end of a socket pair, and whether the pool closed the other end.
struct Client {
  int sock = -1;
  std::atomic<bool> closed{false};
  ~Client() { ::close(sock); }
  Client() = default;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Makes the pool's end and adds it; false when the pool handed it back.
  bool join(ConnectionPool& pool, EchoConnection::Decide decide,
            PooledConnection::Clock::duration timeout = 30s) {
    if (sock >= 0) ::close(sock);
    std::array<int, 2> ends{};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends.data()) != 0) return false;
    sock = ends[0];
    auto connection = std::make_unique<EchoConnection>(ends[1], std::move(decide), closed);
    return pool.add(std::move(connection), timeout) == nullptr;
  }
  void send(const std::string& text) const { ::send(sock, text.data(), text.size(), MSG_NOSIGNAL); }
  // What arrives within `timeout`; "" on the end of input or nothing.
  std::string receive(std::chrono::milliseconds timeout = 10s) const {
    pollfd readable{sock, POLLIN, 0};
    if (::poll(&readable, 1, static_cast<int>(timeout.count())) != 1) return "";
    std::array<char, 256> buffer{};
    const ssize_t n = ::recv(sock, buffer.data(), buffer.size(), MSG_DONTWAIT);
    return {buffer.data(), n > 0 ? static_cast<std::size_t>(n) : 0};
  }
  bool at_end_of_input() const {
    pollfd readable{sock, POLLIN, 0};
    std::array<char, 1> byte{};
    return ::poll(&readable, 1, 10000) == 1 && ::recv(sock, byte.data(), 1, MSG_DONTWAIT) == 0;
  }
};

ConnectionPoolOptions options(std::size_t workers = 2, std::size_t max_workers = 8) {
  ConnectionPoolOptions result;
  result.workers = workers;
  result.max_workers = max_workers;
  result.sweep_interval = 10ms;
  return result;
}

TEST(ConnectionPoolTest, ServesEachArrivalAndWaitsBetween) {
  Client client;
  std::atomic<int> serves = 0;
  ConnectionPool pool(options());
  ASSERT_TRUE(client.join(pool, [&](const std::string&) {
    ++serves;
    return wait_for(30s);
  }));
  client.send("one");
  EXPECT_EQ(client.receive(), "one");
  client.send("two");
  EXPECT_EQ(client.receive(), "two");
  EXPECT_EQ(serves, 2);
  EXPECT_FALSE(client.closed);
}

TEST(ConnectionPoolTest, ClosesWhenServeSaysSo) {
  Client client;
  ConnectionPool pool(options());
  ASSERT_TRUE(client.join(pool, [](const std::string&) { return PooledConnection::Next{}; }));
  client.send("bye");
  EXPECT_EQ(client.receive(), "bye");
  EXPECT_TRUE(client.at_end_of_input());
  EXPECT_TRUE(eventually([&] { return client.closed.load(); }));
}

TEST(ConnectionPoolTest, ClosesConnectionsWaitingPastTheirDeadline) {
  Client first;
  Client patient;
  Client served;
  ConnectionPool pool(options());
  const auto briefly = [](const std::string&) { return wait_for(50ms); };
  ASSERT_TRUE(first.join(pool, briefly, 50ms));  // never sends
  ASSERT_TRUE(patient.join(pool, briefly, 1h));  // never sends
  ASSERT_TRUE(served.join(pool, briefly, 1h));   // then waits 50 ms for more
  served.send("x");
  EXPECT_EQ(served.receive(), "x");
  EXPECT_TRUE(first.at_end_of_input());
  EXPECT_TRUE(served.at_end_of_input());
  EXPECT_FALSE(patient.closed);
}

TEST(ConnectionPoolTest, HandsBackConnectionsOverTheLimit) {
  Client first;
  Client second;
  Client third;
  Client fourth;
  ConnectionPoolOptions limited = options();
  limited.max_connections = 2;
  ConnectionPool pool(limited);
  const auto once = [](const std::string&) { return PooledConnection::Next{}; };
  ASSERT_TRUE(first.join(pool, once));
  ASSERT_TRUE(second.join(pool, once));
  EXPECT_FALSE(third.join(pool, once));
  first.send("x");
  EXPECT_EQ(first.receive(), "x");
  EXPECT_TRUE(first.at_end_of_input());
  EXPECT_TRUE(eventually([&] { return fourth.join(pool, once); }));  // once the first is gone
}

// Serves one request that answers with a lingering close; false if it did not.
bool linger_after_one_request(ConnectionPool& pool, Client& client) {
  const bool joined = client.join(pool, [](const std::string&) {
    return PooledConnection::Next{Kind::linger, 30s};
  });
  client.send("request with a body we will not read");
  return joined && client.receive() == "request with a body we will not read" &&
         client.at_end_of_input();  // the pool stopped sending...
}

TEST(ConnectionPoolTest, LingersUntilTheClientStopsSending) {
  Client client;
  ConnectionPool pool(options());
  ASSERT_TRUE(linger_after_one_request(pool, client));
  EXPECT_FALSE(client.closed);  // ... but still reads
  const std::string rest(100000, 'b');
  client.send(rest);
  ::shutdown(client.sock, SHUT_WR);
  EXPECT_TRUE(eventually([&] { return client.closed.load(); }));
}

TEST(ConnectionPoolTest, StopLetsALingeringCloseFinish) {
  Client client;
  ConnectionPool pool(options());
  ASSERT_TRUE(linger_after_one_request(pool, client));
  pool.stop();
  EXPECT_FALSE(client.closed);
  client.send(std::string(100000, 'b'));  // drained: a close now would reset
  ::shutdown(client.sock, SHUT_WR);
  pool.join();
  EXPECT_TRUE(client.closed);
}

TEST(ConnectionPoolTest, StopClosesWaitingConnectionsAndLetsBusyOnesFinish) {
  Gate gate;
  Client waiting;
  Client busy;
  ConnectionPool pool(options());
  ASSERT_TRUE(waiting.join(pool, [](const std::string&) { return wait_for(1h); }));
  ASSERT_TRUE(busy.join(pool, [&](const std::string&) {
    gate.wait();
    return wait_for(1h);
  }));
  busy.send("x");
  ASSERT_TRUE(gate.wait_entered(1));
  pool.stop();
  EXPECT_TRUE(waiting.closed);
  EXPECT_FALSE(busy.closed);
  Client late;
  EXPECT_FALSE(late.join(pool, [](const std::string&) { return wait_for(1h); }));
  gate.open();
  EXPECT_EQ(busy.receive(), "x");  // answered, then closed rather than kept
  pool.join();
  EXPECT_TRUE(busy.closed);
}

// With one worker, `first` blocks in serve(); whether `second` is served
// meanwhile, within `patience`.
bool served_while_one_blocks(ConnectionPoolOptions pool_options, bool mark,
                             std::chrono::milliseconds patience = 10s) {
  Gate gate;
  Client first;
  Client second;
  ConnectionPool pool(pool_options);
  const bool joined = first.join(pool, [&](const std::string&) {
    if (mark) ConnectionPool::mark_blocking();
    gate.wait();
    return wait_for(1h);
  }) && second.join(pool, [](const std::string&) { return wait_for(1h); });
  first.send("a");
  const bool entered = gate.wait_entered(1);
  second.send("b");
  const bool served = joined && entered && second.receive(patience) == "b";
  gate.open();
  EXPECT_EQ(first.receive(), "a");
  return served;
}

TEST(ConnectionPoolTest, MarkedBlockingWorkerIsMadeUpFor) {
  ConnectionPoolOptions slow_sweep = options(1, 2);
  slow_sweep.sweep_interval = 1h;  // only mark_blocking() counts
  EXPECT_TRUE(served_while_one_blocks(slow_sweep, true));
}

TEST(ConnectionPoolTest, WorkerBusyForASweepIntervalIsMadeUpFor) {
  EXPECT_TRUE(served_while_one_blocks(options(1, 2), false));
}

TEST(ConnectionPoolTest, MaxWorkersCapsTheThreadsMadeUp) {
  EXPECT_FALSE(served_while_one_blocks(options(1, 1), true, 2s));
}

TEST(ConnectionPoolTest, ThreadsMadeUpGoBackToSpareWhenTheBlockEnds) {
  Gate gate;
  Client blocking;
  Client idle;
  ConnectionPool pool(options(1, 4));
  const auto stats = [&] {
    const ConnectionPool::Stats now = pool.stats();
    return std::array<std::size_t, 4>{now.connections, now.running, now.blocked, now.spares};
  };
  ASSERT_TRUE(blocking.join(pool, [&](const std::string&) {
    ConnectionPool::mark_blocking();
    gate.wait();
    return wait_for(1h);
  }));
  ASSERT_TRUE(idle.join(pool, [](const std::string&) { return wait_for(1h); }));
  ConnectionPool::mark_blocking();  // not on a worker: nothing happens
  EXPECT_EQ(stats(), (std::array<std::size_t, 4>{2, 1, 0, 0}));
  blocking.send("x");
  ASSERT_TRUE(gate.wait_entered(1));
  EXPECT_EQ(stats(), (std::array<std::size_t, 4>{2, 2, 1, 0}));
  gate.open();
  EXPECT_EQ(blocking.receive(), "x");
  EXPECT_TRUE(eventually([&] { return stats() == std::array<std::size_t, 4>{2, 1, 0, 1}; }));
}

}  // namespace
}  // namespace rollcall::server
