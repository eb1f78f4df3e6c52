// ListEnvelope: the list body, items appended in place, room reserved once.
#include "render.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace rollcall::server {
namespace {

std::string envelope_of(std::size_t item_bytes, std::size_t items) {
  ListEnvelope envelope;
  for (std::size_t i = 0; i < items; ++i) {
    envelope.next_item().append(item_bytes, 'x');
    if (i == 0) envelope.expect(items);
  }
  return std::move(envelope).finish("token", 7);
}

TEST(ListEnvelopeTest, ItemsTokenAndTotal) {
  ListEnvelope envelope;
  envelope.next_item().append("1");
  envelope.next_item().append("2");
  EXPECT_EQ(std::move(envelope).finish("t", 2),
            R"({"Items":[1,2],"NextPageToken":"t","TotalCount":2})");
  EXPECT_EQ(ListEnvelope().finish("", std::nullopt), R"({"Items":[]})");
}

TEST(ListEnvelopeTest, RoomForEveryItemIsReservedAfterTheFirst) {
  const std::string body = envelope_of(800, 100);
  std::string expected = "{\"Items\":[";
  for (int i = 0; i < 100; ++i) expected.append(i == 0 ? "" : ",").append(800, 'x');
  EXPECT_EQ(body, expected + R"(],"NextPageToken":"token","TotalCount":7})");
  EXPECT_GE(body.capacity(), 100 * 801);
  EXPECT_LE(body.capacity(), 2 * 130 * 801);
}

// A huge first item must not make a list reserve gigabytes.
TEST(ListEnvelopeTest, ReservesAtMostTheLimit) {
  ListEnvelope envelope;
  envelope.next_item().append(std::size_t{1} << 20, 'x');
  envelope.expect(1000);
  const std::string body = std::move(envelope).finish("", std::nullopt);
  EXPECT_GE(body.capacity(), ListEnvelope::kMaxReservedBytes);
  EXPECT_LE(body.capacity(), 2 * ListEnvelope::kMaxReservedBytes);
}

}  // namespace
}  // namespace rollcall::server
