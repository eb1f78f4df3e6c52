#include "rollcall/filter/values.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rollcall::filter {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr std::int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr std::int64_t kMicrosPerDay = 24 * kMicrosPerHour;
constexpr int kMaxFractionDigits = 9;
constexpr int kMaxOffsetHours = 15;  // PostgreSQL's MAX_TZDISP_HOUR.

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` decimal digits at `pos`.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos > text.size() || text.size() - pos < count) return false;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

bool IsLeapYear(std::int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(std::int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Howard Hinnant's days_from_civil: proleptic Gregorian date to days since 1970-01-01.
std::int64_t DaysFromCivil(std::int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t yoe = year - era * 400;
  const std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  std::int64_t year;
  int month;
  int day;
};

// Howard Hinnant's civil_from_days, the inverse of DaysFromCivil.
CivilDate CivilFromDays(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// 'YYYY-MM-DD' at the start of `text`, as days since the epoch.
std::optional<std::int64_t> ParseDate(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!ReadDigits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !ReadDigits(text, 5, 2, month) || text[7] != '-' || !ReadDigits(text, 8, 2, day)) {
    return std::nullopt;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return DaysFromCivil(year, month, day);
}

// Copies PostgreSQL's ParseFractionalSecond (strtod, then rint(frac * 1e6)), so a
// fraction may round up to a whole second. `pos` is at the '.'.
std::optional<std::int64_t> ParseFraction(std::string_view text, std::size_t pos,
                                          std::size_t& end) {
  std::size_t digits = 0;
  while (pos + 1 + digits < text.size() && IsDigit(text[pos + 1 + digits])) ++digits;
  if (digits == 0 || digits > kMaxFractionDigits) return std::nullopt;
  end = pos + 1 + digits;
  double fraction = 0;
  const auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + end, fraction);
  if (ec != std::errc() || ptr != text.data() + end) return std::nullopt;
  return static_cast<std::int64_t>(std::nearbyint(fraction * 1000000));
}

// PostgreSQL's time_overflows(): fields in range and the total at most 24:00:00.
std::optional<std::int64_t> TimeOfDay(int hour, int minute, int second, std::int64_t micros) {
  if (hour > 24 || minute > 59 || second > 60 || micros < 0 || micros > kMicrosPerSecond) {
    return std::nullopt;
  }
  const std::int64_t total =
      hour * kMicrosPerHour + minute * kMicrosPerMinute + second * kMicrosPerSecond + micros;
  if (total > kMicrosPerDay) return std::nullopt;
  return total;
}

// 'hh:mm[:ss[.f]]' starting at `pos`; sets `end` past it.
std::optional<std::int64_t> ParseTime(std::string_view text, std::size_t pos, std::size_t& end) {
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t micros = 0;
  if (!ReadDigits(text, pos, 2, hour) || pos + 2 >= text.size() || text[pos + 2] != ':' ||
      !ReadDigits(text, pos + 3, 2, minute)) {
    return std::nullopt;
  }
  end = pos + 5;
  if (end < text.size() && text[end] == ':') {
    if (!ReadDigits(text, end + 1, 2, second)) return std::nullopt;
    end += 3;
    if (end < text.size() && text[end] == '.') {
      const auto fraction = ParseFraction(text, end, end);
      if (!fraction) return std::nullopt;
      micros = *fraction;
    }
  }
  return TimeOfDay(hour, minute, second, micros);
}

// The whole of `zone`: empty, 'Z', or ±hh, ±hhmm, ±hh:mm. Returns the offset east of UTC.
std::optional<std::int64_t> ParseOffset(std::string_view zone) {
  if (zone.empty() || zone == "Z" || zone == "z") return 0;
  if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
  int hours = 0;
  int minutes = 0;
  if (!ReadDigits(zone, 1, 2, hours)) return std::nullopt;
  if (zone.size() == 6 && zone[3] == ':') {
    if (!ReadDigits(zone, 4, 2, minutes)) return std::nullopt;
  } else if (zone.size() == 5) {
    if (!ReadDigits(zone, 3, 2, minutes)) return std::nullopt;
  } else if (zone.size() != 3) {
    return std::nullopt;
  }
  if (hours > kMaxOffsetHours || minutes > 59) return std::nullopt;
  const std::int64_t offset = hours * kMicrosPerHour + minutes * kMicrosPerMinute;
  return zone[0] == '-' ? -offset : offset;
}

// Each byte's two lowercase hex digits.
constexpr auto kHexPairs = [] {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::array<std::array<char, 2>, 256> pairs{};
  for (std::size_t i = 0; i < pairs.size(); ++i) pairs[i] = {kHex[i >> 4], kHex[i & 0xF]};
  return pairs;
}();

// "00" to "99", so that two digits are written in one move.
constexpr auto kDigitPairs = [] {
  std::array<std::array<char, 2>, 100> pairs{};
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    pairs[i] = {static_cast<char>('0' + i / 10), static_cast<char>('0' + i % 10)};
  }
  return pairs;
}();

char* Write2(char* at, std::uint32_t value) {  // value < 100
  std::memcpy(at, kDigitPairs[value].data(), 2);
  return at + 2;
}

// `value` in `width` digits (value < 10^width), two at a time from the right.
char* WriteDigits(char* at, std::uint32_t value, int width) {
  char* const end = at + width;
  char* digits = end;
  for (; digits - at >= 2; value /= 100) {
    digits -= 2;
    Write2(digits, value % 100);
  }
  if (digits != at) *at = static_cast<char>('0' + value);
  return end;
}

// Years outside 0000..9999 only arise from instants parse() never produces; they are
// written with a sign, as ISO 8601's expanded representation does.
char* WriteYear(char* at, std::int64_t year) {
  if (year >= 0 && year <= 9999) return WriteDigits(at, static_cast<std::uint32_t>(year), 4);
  *at++ = year < 0 ? '-' : '+';
  const std::int64_t magnitude = year < 0 ? -year : year;
  if (magnitude <= 9999) return WriteDigits(at, static_cast<std::uint32_t>(magnitude), 4);
  return std::to_chars(at, at + 20, magnitude).ptr;
}

std::string_view StripBraces(std::string_view text) {
  if (text.empty() || text.front() != '{') return text;
  if (text.size() < 2 || text.back() != '}') return {};
  return text.substr(1, text.size() - 2);
}

}  // namespace

std::optional<Uuid> Uuid::parse(std::string_view text) {
  const std::string_view body = StripBraces(text);
  Uuid uuid;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < uuid.bytes.size(); ++i) {
    if (body.size() - pos < 2) return std::nullopt;
    const int high = HexValue(body[pos]);
    const int low = HexValue(body[pos + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    uuid.bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
    pos += 2;
    if (i % 2 == 1 && i + 1 < uuid.bytes.size() && pos < body.size() && body[pos] == '-') ++pos;
  }
  if (pos != body.size()) return std::nullopt;
  return uuid;
}

std::string Uuid::to_string() const {
  std::array<char, kTextBytes> text{};
  return {text.data(), write_to(text.data())};
}

char* Uuid::write_to(char* out) const {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *out++ = '-';
    std::memcpy(out, kHexPairs[bytes[i]].data(), 2);
    out += 2;
  }
  return out;
}

std::optional<Timestamp> Timestamp::parse(std::string_view text) {
  const auto days = ParseDate(text);
  if (!days) return std::nullopt;
  if (text.size() == 10) return Timestamp{*days * kMicrosPerDay};
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  std::size_t end = 0;
  const auto time = ParseTime(text, 11, end);
  if (!time) return std::nullopt;
  const auto offset = ParseOffset(text.substr(end));
  if (!offset) return std::nullopt;
  const std::int64_t micros = *days * kMicrosPerDay + *time - *offset;
  // Instants an offset pushes outside years 0001-9999 could not be written back.
  static const std::int64_t kFirst = ParseDate("0001-01-01").value() * kMicrosPerDay;
  static const std::int64_t kEnd = (ParseDate("9999-12-31").value() + 1) * kMicrosPerDay;
  if (micros < kFirst || micros >= kEnd) return std::nullopt;
  return Timestamp{micros};
}

std::string Timestamp::to_string() const {
  std::string out;
  out.reserve(32);
  append_to(out);
  return out;
}

void Timestamp::append_to(std::string& out) const {
  std::array<char, kMaxTextBytes> text{};
  out.append(text.data(), write_to(text.data()));
}

char* Timestamp::write_to(char* out) const {
  std::int64_t days = micros / kMicrosPerDay;
  std::int64_t time = micros % kMicrosPerDay;
  if (time < 0) {
    --days;
    time += kMicrosPerDay;
  }
  const CivilDate date = CivilFromDays(days);
  out = WriteYear(out, date.year);
  *out++ = '-';
  out = Write2(out, static_cast<std::uint32_t>(date.month));
  *out++ = '-';
  out = Write2(out, static_cast<std::uint32_t>(date.day));
  *out++ = 'T';
  // Unsigned 32-bit from here: time is in [0, kMicrosPerDay).
  const auto seconds = static_cast<std::uint32_t>(time / kMicrosPerSecond);
  out = Write2(out, seconds / 3600);
  *out++ = ':';
  out = Write2(out, seconds / 60 % 60);
  *out++ = ':';
  out = Write2(out, seconds % 60);
  const auto fraction = static_cast<std::uint32_t>(time % kMicrosPerSecond);
  if (fraction != 0) {
    *out++ = '.';
    const bool millis = fraction % 1000 == 0;
    out = WriteDigits(out, millis ? fraction / 1000 : fraction, millis ? 3 : 6);
  }
  *out++ = 'Z';
  return out;
}

}  // namespace rollcall::filter
