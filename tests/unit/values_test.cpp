#include "rollcall/filter/values.hpp"

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

namespace rollcall::filter {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kDay = 86'400 * kSecond;

constexpr std::string_view kCanonical = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";

bool UuidValid(std::string_view text) { return Uuid::parse(text).has_value(); }

std::optional<std::int64_t> Micros(std::string_view text) {
  const auto parsed = Timestamp::parse(text);
  return parsed ? std::optional<std::int64_t>(parsed->micros) : std::nullopt;
}

bool TimeValid(std::string_view text) { return Timestamp::parse(text).has_value(); }

TEST(UuidTest, CanonicalFormParsesToBytes) {
  const auto uuid = Uuid::parse(kCanonical);
  ASSERT_TRUE(uuid.has_value());
  const std::array<std::uint8_t, 16> expected = {0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8,
                                                 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11};
  EXPECT_EQ(uuid->bytes, expected);
  EXPECT_EQ(uuid->to_string(), kCanonical);
}

// The input forms listed in PostgreSQL's uuid documentation, all the same value.
TEST(UuidTest, AcceptsPostgresInputForms) {
  const std::string_view forms[] = {
      "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",  "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
      "a0eebc999c0b4ef8bb6d6bb9bd380a11",      "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
      "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}", "{A0eeBC999c0b4ef8bb6d6bb9bd380a11}",
  };
  for (const std::string_view form : forms) {
    const auto uuid = Uuid::parse(form);
    ASSERT_TRUE(uuid.has_value()) << form;
    EXPECT_EQ(uuid->to_string(), kCanonical) << form;
  }
}

// From PostgreSQL's uuid.sql.
TEST(UuidTest, UuidSqlValidAndInvalid) {
  EXPECT_TRUE(UuidValid("11111111-1111-1111-1111-111111111111"));
  EXPECT_TRUE(UuidValid("{22222222-2222-2222-2222-222222222222}"));
  EXPECT_TRUE(UuidValid("3f3e3c3b3a3039383736353433a2313e"));

  EXPECT_FALSE(UuidValid("11111111-1111-1111-1111-111111111111F"));
  EXPECT_FALSE(UuidValid("{11111111-1111-1111-1111-11111111111}"));
  EXPECT_FALSE(UuidValid("111-11111-1111-1111-1111-111111111111"));
  EXPECT_FALSE(UuidValid("{22222222-2222-2222-2222-222222222222"));
  EXPECT_FALSE(UuidValid("11111111-1111-1111-1111-111111111111}"));
  EXPECT_FALSE(UuidValid("11+11111-1111-1111-1111-111111111111"));
  EXPECT_FALSE(UuidValid("11"));
}

TEST(UuidTest, RejectsWrongLengthAndBadHex) {
  EXPECT_FALSE(UuidValid(""));
  EXPECT_FALSE(UuidValid("{}"));
  EXPECT_FALSE(UuidValid("{"));
  EXPECT_FALSE(UuidValid("a0eebc999c0b4ef8bb6d6bb9bd380a1"));
  EXPECT_FALSE(UuidValid("a0eebc999c0b4ef8bb6d6bb9bd380a111"));
  EXPECT_FALSE(UuidValid("g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  EXPECT_FALSE(UuidValid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1z"));
  EXPECT_FALSE(UuidValid("a0eebc99 9c0b 4ef8 bb6d 6bb9bd380a11"));
  EXPECT_FALSE(UuidValid(" a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  EXPECT_FALSE(UuidValid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 "));
  EXPECT_FALSE(UuidValid("0xa0eebc999c0b4ef8bb6d6bb9bd380a11"));
}

TEST(UuidTest, RejectsMisplacedHyphens) {
  EXPECT_FALSE(UuidValid("-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  EXPECT_FALSE(UuidValid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-"));
  EXPECT_FALSE(UuidValid("a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11"));
  EXPECT_FALSE(UuidValid("a0e-ebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  EXPECT_FALSE(UuidValid("a0eeb-c99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  EXPECT_FALSE(UuidValid("{-a0eebc999c0b4ef8bb6d6bb9bd380a11}"));
  EXPECT_FALSE(UuidValid("{a0eebc999c0b4ef8bb6d6bb9bd380a11-}"));
}

TEST(UuidTest, OrdersLikeMemcmp) {
  const auto low = Uuid::parse("00000000-0000-0000-0000-0000000000ff");
  const auto high = Uuid::parse("00000000-0000-0000-0000-000000000100");
  ASSERT_TRUE(low && high);
  EXPECT_LT(*low, *high);
  EXPECT_EQ(*Uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff"),
            *Uuid::parse("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"));
  // Against memcmp for pairs that differ in each byte, both ways round, and
  // where the first half is equal.
  for (std::size_t at = 0; at < 16; ++at) {
    for (const auto& [a, b] : {std::pair<int, int>{0x01, 0x80}, {0x7f, 0xfe}, {0x00, 0xff}}) {
      Uuid x;
      Uuid y;
      x.bytes.fill(0x5A);
      y.bytes.fill(0x5A);
      x.bytes[at] = static_cast<std::uint8_t>(a);
      y.bytes[at] = static_cast<std::uint8_t>(b);
      if (at < 15) y.bytes[15] = 0x00;  // a later byte that would order them the other way
      const int want = std::memcmp(x.bytes.data(), y.bytes.data(), 16);
      EXPECT_EQ(std::is_lt(x <=> y), want < 0) << "byte " << at;
      EXPECT_EQ(std::is_gt(y <=> x), want < 0) << "byte " << at;
    }
  }
  Uuid same;
  same.bytes.fill(0x33);
  EXPECT_TRUE(std::is_eq(same <=> same));
}

TEST(TimestampTest, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(Micros("1970-01-01"), 0);
  EXPECT_EQ(Micros("2026-01-01"), 1767225600 * kSecond);
  EXPECT_EQ(Micros("1969-01-01"), -365 * kDay);
  EXPECT_EQ(Micros("0001-01-01"), -62135596800 * kSecond);
}

TEST(TimestampTest, AcceptsEachTimeForm) {
  const std::int64_t expected = 1772600767 * kSecond;  // 2026-03-04T05:06:07Z
  EXPECT_EQ(Micros("2026-03-04T05:06:07"), expected);
  EXPECT_EQ(Micros("2026-03-04t05:06:07"), expected);
  EXPECT_EQ(Micros("2026-03-04 05:06:07"), expected);
  EXPECT_EQ(Micros("2026-03-04T05:06:07Z"), expected);
  EXPECT_EQ(Micros("2026-03-04T05:06:07z"), expected);
  EXPECT_EQ(Micros("2026-03-04T05:06Z"), expected - 7 * kSecond);
  EXPECT_EQ(Micros("2026-03-04T05:06"), expected - 7 * kSecond);
  EXPECT_EQ(Micros("2026-03-04T05:06:07.5Z"), expected + kSecond / 2);
  EXPECT_EQ(Micros("2026-03-04T05:06:07.123456"), expected + 123456);
  EXPECT_EQ(Micros("2026-03-04T05:06:07.000001Z"), expected + 1);
}

TEST(TimestampTest, AppliesOffsets) {
  EXPECT_EQ(Micros("2026-01-01T00:00:00+05:30"), Micros("2025-12-31T18:30:00Z"));
  EXPECT_EQ(Micros("2026-01-01T00:00:00+0530"), Micros("2025-12-31T18:30:00Z"));
  EXPECT_EQ(Micros("2026-01-01T00:00:00+05"), Micros("2025-12-31T19:00:00Z"));
  EXPECT_EQ(Micros("2025-12-31T16:00:00-08:00"), Micros("2026-01-01T00:00:00Z"));
  EXPECT_EQ(Micros("2026-01-01T00:00-0800"), Micros("2026-01-01T08:00:00Z"));
  EXPECT_EQ(Micros("2026-01-01T00:00:00+00:00"), Micros("2026-01-01"));
  EXPECT_EQ(Micros("2026-01-01T00:00:00-00"), Micros("2026-01-01"));
  EXPECT_EQ(Micros("2026-01-01T00:00:00+15:59"), Micros("2025-12-31T08:01:00Z"));
  EXPECT_EQ(Micros("2026-01-01T00:00:00.25-01:00"), Micros("2026-01-01T01:00:00.25Z"));
}

TEST(TimestampTest, RejectsBadOffsets) {
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00+16:00"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00+05:60"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00+5"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00+05:3"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00+053"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00+05:30:00"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00+"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00 +05:30"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00ZZ"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00UTC"));
  EXPECT_FALSE(TimeValid("2026-01-01Z"));
  EXPECT_FALSE(TimeValid("2026-01-01+05:30"));
}

TEST(TimestampTest, LeapDays) {
  EXPECT_TRUE(TimeValid("2024-02-29"));
  EXPECT_EQ(Micros("2024-02-29"), 1709164800 * kSecond);
  EXPECT_FALSE(TimeValid("2025-02-29"));
  EXPECT_TRUE(TimeValid("2000-02-29T12:00:00Z"));
  EXPECT_FALSE(TimeValid("1900-02-29"));
  EXPECT_FALSE(TimeValid("2024-02-30"));
  EXPECT_EQ(*Micros("2024-03-01") - *Micros("2024-02-28"), 2 * kDay);
  EXPECT_EQ(*Micros("2025-03-01") - *Micros("2025-02-28"), kDay);
}

TEST(TimestampTest, RejectsOutOfRangeDateFields) {
  EXPECT_FALSE(TimeValid("2025-13-01"));
  EXPECT_FALSE(TimeValid("2025-00-10"));
  EXPECT_FALSE(TimeValid("2025-01-00"));
  EXPECT_FALSE(TimeValid("2025-01-32"));
  EXPECT_FALSE(TimeValid("2025-04-31"));
  EXPECT_TRUE(TimeValid("2025-04-30"));
  EXPECT_FALSE(TimeValid("0000-01-01"));
  EXPECT_TRUE(TimeValid("9999-12-31T23:59:59.999999Z"));
}

TEST(TimestampTest, RejectsOutOfRangeTimeFields) {
  EXPECT_FALSE(TimeValid("2025-01-01T25:00:00"));
  EXPECT_FALSE(TimeValid("2025-01-01T12:60:00"));
  EXPECT_FALSE(TimeValid("2025-01-01T12:00:61"));
  EXPECT_FALSE(TimeValid("2025-01-01T24:00:01"));
  EXPECT_FALSE(TimeValid("2025-01-01T24:01"));
  EXPECT_FALSE(TimeValid("2025-01-01T24:00:00.5"));
  // PostgreSQL's time_overflows() caps the total at 24:00:00, so 23:59:60.5 fails.
  EXPECT_FALSE(TimeValid("2025-01-01T23:59:60.5"));
}

TEST(TimestampTest, HourTwentyFourAndSecondSixtyRollOver) {
  EXPECT_EQ(Micros("2025-12-31T24:00:00Z"), Micros("2026-01-01"));
  EXPECT_EQ(Micros("2025-12-31T24:00"), Micros("2026-01-01"));
  EXPECT_EQ(Micros("2025-12-31T23:59:60Z"), Micros("2026-01-01"));
  EXPECT_EQ(Micros("2025-06-30T12:30:60"), Micros("2025-06-30T12:31:00"));
  EXPECT_EQ(Micros("2025-06-30T12:30:60.25"), Micros("2025-06-30T12:31:00.25"));
  // The fraction rounds to zero before the 24:00:00 check, as in PostgreSQL.
  EXPECT_EQ(Micros("2025-12-31T24:00:00.0000004"), Micros("2026-01-01"));
}

TEST(TimestampTest, RejectsNonTimestamps) {
  EXPECT_FALSE(TimeValid(""));
  EXPECT_FALSE(TimeValid("tomorrow"));
  EXPECT_FALSE(TimeValid("now"));
  EXPECT_FALSE(TimeValid("2026-01-01T00:00:00Zjunk"));
  EXPECT_FALSE(TimeValid("2026-01-01junk"));
  EXPECT_FALSE(TimeValid(" 2026-01-01"));
  EXPECT_FALSE(TimeValid("2026-01-01 "));
  EXPECT_FALSE(TimeValid("2026-1-01"));
  EXPECT_FALSE(TimeValid("26-01-01"));
  EXPECT_FALSE(TimeValid("20260101"));
  EXPECT_FALSE(TimeValid("+2026-01-01"));
  EXPECT_FALSE(TimeValid("12026-01-01"));
  EXPECT_FALSE(TimeValid("2026/01/01"));
  EXPECT_FALSE(TimeValid("2026-01-01T"));
  EXPECT_FALSE(TimeValid("2026-01-01X00:00"));
  EXPECT_FALSE(TimeValid("2026-01-01T00"));
  EXPECT_FALSE(TimeValid("2026-01-01T1:00"));
  EXPECT_FALSE(TimeValid("2026-01-01T01:00:"));
  EXPECT_FALSE(TimeValid("2026-01-01T01:00:0"));
  EXPECT_FALSE(TimeValid("2026-01-01T01:00:00."));
  EXPECT_FALSE(TimeValid("2026-01-01T01:00:00,5"));
  EXPECT_FALSE(TimeValid("2026-01-01T01:00.5"));
  EXPECT_FALSE(TimeValid("2026-01-01T01:00:00.1234567890"));
  EXPECT_FALSE(TimeValid("2026-01-01T01:00:00.1e3"));
}

TEST(TimestampTest, NineFractionDigitsRoundWithRint) {
  const std::int64_t base = *Micros("2026-01-01T00:00:00Z");
  EXPECT_EQ(Micros("2026-01-01T00:00:00.123456789Z"), base + 123457);
  EXPECT_EQ(Micros("2026-01-01T00:00:00.123456499Z"), base + 123456);
  EXPECT_EQ(Micros("2026-01-01T00:00:00.000000001Z"), base);
  EXPECT_EQ(Micros("2026-01-01T00:00:00.0000004Z"), base);
  EXPECT_EQ(Micros("2026-01-01T00:00:00.0000006Z"), base + 1);
}

// Fractions that are exact binary halves (k/128 of a second) show rint's
// round-half-to-even directly.
TEST(TimestampTest, ExactHalvesRoundToEven) {
  const std::int64_t base = *Micros("2026-01-01T00:00:00Z");
  EXPECT_EQ(Micros("2026-01-01T00:00:00.0078125Z"), base + 7812);   // 7812.5
  EXPECT_EQ(Micros("2026-01-01T00:00:00.0234375Z"), base + 23438);  // 23437.5
}

// These decimal halves are not exact doubles, but frac * 1e6 rounds to exactly
// k + 0.5 in double arithmetic, so rint again rounds half to even.
TEST(TimestampTest, DecimalHalvesFollowDoubleArithmetic) {
  const std::int64_t base = *Micros("2026-01-01T00:00:00Z");
  EXPECT_EQ(Micros("2026-01-01T00:00:00.0000005Z"), base);
  EXPECT_EQ(Micros("2026-01-01T00:00:00.0000015Z"), base + 2);
  EXPECT_EQ(Micros("2026-01-01T00:00:00.0000025Z"), base + 2);
  EXPECT_EQ(Micros("2026-01-01T00:00:00.0000035Z"), base + 4);
  EXPECT_EQ(Micros("2026-01-01T00:00:00.1234565Z"), base + 123456);
}

TEST(TimestampTest, RoundingCarriesIntoNextSecond) {
  EXPECT_EQ(Micros("2026-01-01T00:00:00.9999996Z"), Micros("2026-01-01T00:00:01Z"));
  EXPECT_EQ(Micros("2026-01-01T00:00:00.9999995Z"), Micros("2026-01-01T00:00:01Z"));
  EXPECT_EQ(Micros("2026-01-01T00:00:00.999999499Z"), *Micros("2026-01-01T00:00:01Z") - 1);
  EXPECT_EQ(Micros("2025-12-31T23:59:59.9999996Z"), Micros("2026-01-01"));
  EXPECT_EQ(Micros("2025-12-31T23:59:59.9999996+01:00"), Micros("2025-12-31T23:00:00Z"));
  EXPECT_EQ(Micros("2025-12-31T23:59:60.0000004Z"), Micros("2026-01-01"));
  EXPECT_EQ(Micros("1969-12-31T23:59:59.9999996Z"), 0);
}

TEST(TimestampTest, BeforeTheEpoch) {
  EXPECT_EQ(Micros("1969-12-31T23:59:59.999999Z"), -1);
  EXPECT_EQ(Micros("1969-12-31T23:59:59Z"), -kSecond);
  EXPECT_EQ(Micros("1969-07-20T20:17:40Z"), -14182940 * kSecond);
  EXPECT_EQ(Micros("0001-01-01T00:00:00Z"), -62135596800 * kSecond);
  EXPECT_EQ(Micros("0001-01-01T00:00:00.000001Z"), -62135596800 * kSecond + 1);
}

TEST(TimestampTest, ToStringFormats) {
  EXPECT_EQ(Timestamp{0}.to_string(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp{1}.to_string(), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(Timestamp{123456}.to_string(), "1970-01-01T00:00:00.123456Z");
  EXPECT_EQ(Timestamp{120000}.to_string(), "1970-01-01T00:00:00.120Z");
  EXPECT_EQ(Timestamp{1500000}.to_string(), "1970-01-01T00:00:01.500Z");
  EXPECT_EQ(Timestamp{-1}.to_string(), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(Timestamp{-kSecond}.to_string(), "1969-12-31T23:59:59Z");
  EXPECT_EQ(Timestamp{1772600767 * kSecond}.to_string(), "2026-03-04T05:06:07Z");
  EXPECT_EQ(Timestamp{-62135596800 * kSecond}.to_string(), "0001-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp{253402300799999999}.to_string(), "9999-12-31T23:59:59.999999Z");
  // Years parse() never makes, with the sign of ISO 8601's expanded years.
  EXPECT_EQ(Timestamp{-62135596800000001}.to_string(), "0000-12-31T23:59:59.999999Z");
  EXPECT_EQ(Timestamp{-124271193600000000}.to_string(), "-1968-01-02T00:00:00Z");
  EXPECT_EQ(Timestamp{253402300800000000}.to_string(), "+10000-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp{std::numeric_limits<std::int64_t>::max()}.to_string(),
            "+294247-01-10T04:00:54.775807Z");
  EXPECT_EQ(Timestamp{std::numeric_limits<std::int64_t>::min()}.to_string(),
            "-290308-12-21T19:59:05.224192Z");
  EXPECT_EQ(Timestamp::parse("2024-02-29T12:34:56.789+02:00")->to_string(),
            "2024-02-29T10:34:56.789Z");
}

TEST(TimestampTest, ToStringRoundTripsThroughParse) {
  const std::int64_t first = -62135596800 * kSecond;  // 0001-01-01T00:00:00Z
  const std::int64_t last = 253402300799999999;       // 9999-12-31T23:59:59.999999Z
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> any(first, last);
  std::uniform_int_distribution<std::int64_t> near_epoch(-3 * kDay, 3 * kDay);
  for (int i = 0; i < 20000; ++i) {
    for (std::int64_t micros : {any(random), near_epoch(random), any(random) / 1000 * 1000,
                                any(random) / kSecond * kSecond}) {
      const Timestamp value{micros};
      const auto parsed = Timestamp::parse(value.to_string());
      ASSERT_TRUE(parsed.has_value()) << value.to_string();
      EXPECT_EQ(*parsed, value) << value.to_string();
    }
  }
  EXPECT_EQ(Timestamp::parse(Timestamp{first}.to_string())->micros, first);
  EXPECT_EQ(Timestamp::parse(Timestamp{last}.to_string())->micros, last);
}

TEST(TimestampTest, RejectsOffsetsThatLeaveYearsOneToNineThousandNineHundredNinetyNine) {
  EXPECT_FALSE(Timestamp::parse("0001-01-01T00:00:00+15:00"));
  EXPECT_TRUE(Timestamp::parse("0001-01-01T00:00:00Z"));
  EXPECT_TRUE(Timestamp::parse("0001-01-01T15:00:00+15:00"));
  EXPECT_FALSE(Timestamp::parse("9999-12-31T23:00:00-15:00"));
  EXPECT_TRUE(Timestamp::parse("9999-12-31T23:59:59.999999Z"));
}

}  // namespace
}  // namespace rollcall::filter
