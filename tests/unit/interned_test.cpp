// Interned<T>: equal values share one pooled copy; the last holder's release
// drops it from the pool; the pool stays consistent under many distinct
// values and under threads interning and releasing at once.
//
// A thread pins the first values it interns in its cache until it ends, so
// tests that count the pool intern on threads of their own and count after
// those threads are joined.
#include "rollcall/index/interned.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "rollcall/index/entities.hpp"

namespace rollcall::index {
namespace {

std::string text(const char* test, int i) { return std::string(test) + "/" + std::to_string(i); }

template <class Body>
void on_own_thread(Body body) {
  std::thread thread(body);
  thread.join();
}

TEST(Interned, EqualValuesShareOneCopy) {
  const SharedText a(text("share", 1));
  const SharedText b(text("share", 1));
  const SharedText c(text("share", 2));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.value().data(), b.value().data());  // the same bytes, not equal copies
  EXPECT_FALSE(a == c);
  EXPECT_EQ(a, text("share", 1));  // compares with the plain value too
  EXPECT_EQ(std::string_view(c), text("share", 2));

  const SharedLabels labels(Labels{{"team", "sre"}, {"tier", "data"}});
  const SharedLabels same(Labels{{"team", "sre"}, {"tier", "data"}});
  const SharedLabels other(Labels{{"team", "sre"}});
  EXPECT_EQ(labels, same);
  EXPECT_FALSE(labels == other);
  EXPECT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[1].second, "data");
}

TEST(Interned, EmptyValuesAreNeverPooled) {
  const std::size_t before = SharedRoleIds::distinct();
  const SharedRoleIds none(std::vector<Uuid>{});
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none, SharedRoleIds());
  EXPECT_EQ(SharedRoleIds::distinct(), before);
}

TEST(Interned, TheLastReleaseDropsTheValue) {
  const std::size_t before = SharedText::distinct();
  SharedText kept;
  on_own_thread([&] {
    const SharedText first(text("drop", 1));
    kept = first;
  });
  EXPECT_EQ(SharedText::distinct(), before + 1);
  SharedText copy = kept;
  kept = SharedText();
  EXPECT_EQ(SharedText::distinct(), before + 1);  // the copy still holds it
  EXPECT_EQ(copy, text("drop", 1));
  copy = SharedText();
  EXPECT_EQ(SharedText::distinct(), before);
}

// Thousands of values released in random order: every value still held is
// found again (interning it anew yields the same copy), none is lost or doubled.
TEST(Interned, ManyValuesReleasedInAnyOrderStayFindable) {
  const std::size_t before = SharedText::distinct();
  on_own_thread([] {
    constexpr int kValues = 5000;
    std::vector<SharedText> held;
    held.reserve(kValues);
    for (int i = 0; i < kValues; ++i) held.emplace_back(text("many", i));
    std::vector<int> order(kValues);
    for (int i = 0; i < kValues; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(7));
    for (int n = 0; n < kValues; ++n) {
      held[order[n]] = SharedText();
      if (n % 500 != 0) continue;
      for (int i = 0; i < kValues; ++i) {
        if (held[i].empty()) continue;
        ASSERT_EQ(SharedText(text("many", i)), held[i]) << "value " << i << " after " << n;
      }
    }
  });
  EXPECT_EQ(SharedText::distinct(), before);
}

TEST(Interned, ThreadsInterningAndReleasingAtOnceLeaveNothingBehind) {
  const std::size_t before = SharedText::distinct();
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      std::mt19937 random(t);
      std::vector<SharedText> held(64);
      for (int round = 0; round < 20000; ++round) {
        const int value = static_cast<int>(random() % 96);  // shared by every thread
        SharedText interned(text("race", value));
        ASSERT_EQ(interned.value(), text("race", value));
        held[random() % held.size()] = std::move(interned);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(SharedText::distinct(), before);
}

TEST(Interned, RecordsWithEqualLabelsShareThem) {
  OrganizationMember a;
  OrganizationMember b;
  a.labels = Labels{{"environment", "prod"}};
  b.labels = Labels{{"environment", "prod"}};
  a.role = "OWNER";
  b.role = std::string("OWNER");
  EXPECT_EQ(&a.labels.value(), &b.labels.value());
  EXPECT_EQ(a.role, b.role);
  EXPECT_TRUE(a.role == "OWNER");
  EXPECT_FALSE(a.role == "ADMIN");
}

}  // namespace
}  // namespace rollcall::index
