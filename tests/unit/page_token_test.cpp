// Page tokens: sealed with HMAC-SHA256 under the store's key (checked against
// OpenSSL's one-shot HMAC), opened only under that key and query, whichever
// key the thread used last.
#include "page_token.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace rollcall::index::detail {
namespace {

std::string unbase64url(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    buffer = (buffer << 6) | static_cast<unsigned>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// Every token a thread seals with a key, not only the first.
TEST(PageToken, TagIsTheHmacSha256OfTheBody) {
  const std::string key = "a key of the store";
  for (const std::string cursor : {"cursor", "another cursor", "cursor"}) {
    const std::string bytes = unbase64url(seal_page_token(key, 42, cursor));
    ASSERT_GT(bytes.size(), 16u);
    const std::string body = bytes.substr(0, bytes.size() - 16);
    unsigned char expected[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), expected, &length);
    EXPECT_EQ(bytes.substr(body.size()), std::string(reinterpret_cast<char*>(expected), 16))
        << cursor;
  }
}

TEST(PageToken, OpensOnlyUnderItsOwnKeyWhicheverKeyWasUsedLast) {
  const std::string first = seal_page_token("key one", 7, "after here");
  const std::string second = seal_page_token("key two", 7, "after here");
  EXPECT_NE(first, second);
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(open_page_token("key one", 7, first), std::optional<std::string>("after here"));
    EXPECT_EQ(open_page_token("key two", 7, first), std::nullopt);
    EXPECT_EQ(open_page_token("key two", 7, second), std::optional<std::string>("after here"));
    EXPECT_EQ(open_page_token("key one", 7, second), std::nullopt);
  }
  EXPECT_EQ(open_page_token("key one", 8, first), std::nullopt);  // another query
}

}  // namespace
}  // namespace rollcall::index::detail
