#include "page_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <stdexcept>
#include <string>

namespace rollcall::index::detail {
namespace {

constexpr std::size_t kMacBytes = 16;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view bytes) {
  std::string out((bytes.size() * 8 + 5) / 6, '\0');
  char* next = out.data();
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      *next++ = kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) *next = kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> unbase64url(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(kAlphabet, 64, c);
    if (at == nullptr) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // Only the canonical encoding: no dangling character, no set padding bits.
  if (bits >= 6 || (buffer & ((1U << bits) - 1)) != 0) return std::nullopt;
  return out;
}

// HMAC-SHA256 from scratch (HMAC(), which fetches the algorithm and hashes the
// key on every call) cost about a third of a list's first page, and copying a
// keyed context per token still cost a fifth. Each thread keeps a context
// keyed for the last key it used and re-initializes it per token.
class KeyedMac {
 public:
  KeyedMac() = default;
  KeyedMac(const KeyedMac&) = delete;
  KeyedMac& operator=(const KeyedMac&) = delete;
  ~KeyedMac() { EVP_MAC_CTX_free(keyed_); }

  // The MAC of `bytes` under `key` into `out` (EVP_MAX_MD_SIZE bytes); its
  // length, or 0 when OpenSSL fails.
  std::size_t compute(std::string_view key, std::string_view bytes, unsigned char* out) {
    if (keyed_ == nullptr || key != key_) rekey(key);
    if (keyed_ == nullptr) return 0;
    std::size_t length = 0;
    const bool made = restart() &&
                      EVP_MAC_update(keyed_, reinterpret_cast<const unsigned char*>(bytes.data()),
                                     bytes.size()) == 1 &&
                      EVP_MAC_final(keyed_, out, &length, EVP_MAX_MD_SIZE) == 1;
    return made ? length : 0;
  }

 private:
  // Before 3.0.3, OpenSSL took a null key as "no change" and carried on from
  // the previous MAC's state (openssl issue 17811): give it the key again.
  static bool reuses_key() {
    static const bool reuses =
        OPENSSL_version_major() > 3 || OPENSSL_version_minor() > 0 || OPENSSL_version_patch() >= 3;
    return reuses;
  }

  bool restart() {
    const std::string_view again = reuses_key() ? std::string_view() : key_;
    return EVP_MAC_init(keyed_, reinterpret_cast<const unsigned char*>(again.data()), again.size(),
                        nullptr) == 1;
  }

  void rekey(std::string_view key) {
    EVP_MAC_CTX_free(keyed_);
    keyed_ = nullptr;
    EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (hmac == nullptr) return;
    EVP_MAC_CTX* context = EVP_MAC_CTX_new(hmac);
    EVP_MAC_free(hmac);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (context == nullptr ||
        EVP_MAC_init(context, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     params) != 1) {
      EVP_MAC_CTX_free(context);
      return;
    }
    keyed_ = context;
    key_ = key;
  }

  EVP_MAC_CTX* keyed_ = nullptr;  // null, or keyed for key_
  std::string key_;
};

std::array<unsigned char, kMacBytes> mac(std::string_view key, std::string_view bytes) {
  thread_local KeyedMac keyed;
  unsigned char full[EVP_MAX_MD_SIZE];
  if (keyed.compute(key, bytes, full) < kMacBytes) {
    throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  }
  std::array<unsigned char, kMacBytes> out{};
  std::copy(full, full + kMacBytes, out.begin());
  return out;
}

void append_u64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

}  // namespace

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

std::string seal_page_token(std::string_view key, std::uint64_t query_hash,
                            std::string_view cursor) {
  std::string body;
  body.reserve(1 + 8 + cursor.size() + kMacBytes);
  body.push_back(static_cast<char>(kPageTokenVersion));
  append_u64(body, query_hash);
  body.append(cursor);
  const auto tag = mac(key, body);
  body.append(reinterpret_cast<const char*>(tag.data()), tag.size());
  return base64url(body);
}

std::optional<std::string> open_page_token(std::string_view key, std::uint64_t query_hash,
                                           std::string_view token) {
  auto bytes = unbase64url(token);
  if (!bytes || bytes->size() < 1 + 8 + kMacBytes) return std::nullopt;
  const std::string_view body(bytes->data(), bytes->size() - kMacBytes);
  const auto tag = mac(key, body);
  if (CRYPTO_memcmp(tag.data(), bytes->data() + body.size(), kMacBytes) != 0) return std::nullopt;
  if (static_cast<std::uint8_t>(body[0]) != kPageTokenVersion) return std::nullopt;
  std::string expected;
  append_u64(expected, query_hash);
  if (body.substr(1, 8) != expected) return std::nullopt;
  return std::string(body.substr(9));
}

}  // namespace rollcall::index::detail
