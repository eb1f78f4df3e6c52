// Interned<T>: an immutable value shared by every holder of an equal value.
// Records repeat a few label sets, role-ID lists, roles and statuses a million
// times; each distinct value is kept once, and a record holds one pointer to it.
// Copies count references; the last release drops the value from its pool.
// Thread-safe. Instantiated (interned.cpp) for the types entities.hpp interns.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <type_traits>
#include <utility>

namespace rollcall::index {

template <class T>
class Interned {
 public:
  Interned() noexcept = default;  // the empty value; never pooled
  // NOLINTNEXTLINE(google-explicit-constructor): a record field set from its value
  Interned(T&& value);
  // Copies `value` only when the pool has no equal value yet.
  // NOLINTNEXTLINE(google-explicit-constructor)
  Interned(const T& value);
  // For text. Templates, so that an explicit instantiation for other types
  // leaves them out (clang 14 would instantiate them despite the constraint).
  template <class String = T>
  requires std::is_constructible_v<String, std::string_view>
  // NOLINTNEXTLINE(google-explicit-constructor)
  Interned(std::string_view text) : Interned(String(text)) {}
  template <class String = T>
  requires std::is_constructible_v<String, const char*>
  // NOLINTNEXTLINE(google-explicit-constructor)
  Interned(const char* text) : Interned(String(text)) {}
  Interned(std::initializer_list<typename T::value_type> values) : Interned(T(values)) {}
  Interned(const Interned& other) noexcept : node_(other.node_) { retain(); }
  Interned(Interned&& other) noexcept : node_(std::exchange(other.node_, nullptr)) {}
  Interned& operator=(Interned other) noexcept {
    std::swap(node_, other.node_);
    return *this;
  }
  ~Interned() { release(); }

  const T& value() const noexcept { return node_ != nullptr ? node_->value : empty_value(); }
  // NOLINTNEXTLINE(google-explicit-constructor): reads as the value it holds
  operator const T&() const noexcept { return value(); }
  template <class String = T>
  requires std::is_convertible_v<const String&, std::string_view>
  // NOLINTNEXTLINE(google-explicit-constructor)
  operator std::string_view() const noexcept { return value(); }

  auto begin() const noexcept { return value().begin(); }
  auto end() const noexcept { return value().end(); }
  auto data() const noexcept { return value().data(); }
  std::size_t size() const noexcept { return value().size(); }
  bool empty() const noexcept { return node_ == nullptr; }
  const auto& operator[](std::size_t i) const noexcept { return value()[i]; }
  const auto& front() const noexcept { return value().front(); }

  // Equal values share one node, so equality compares pointers.
  friend bool operator==(const Interned& a, const Interned& b) noexcept {
    return a.node_ == b.node_;
  }
  // A member, not a friend: T converts to Interned, and a friend would be a
  // candidate for comparing T itself.
  template <class U>
  bool operator==(const U& other) const requires requires(const T& t) {
    t == other;
  }
  { return value() == other; }

  // Distinct values in the pool now (for memory reports).
  static std::size_t distinct();

 private:
  struct Node {
    T value;
    std::size_t hash;
    std::atomic<std::uint32_t> refs{1};
  };

  struct Pool;
  struct RecentCache;
  static Pool& pool();
  static RecentCache& recent();
  template <class V>
  void intern(V&& value);
  static const T& empty_value() noexcept;
  void retain() const noexcept {
    if (node_ != nullptr) node_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept;

  Node* node_ = nullptr;
};

}  // namespace rollcall::index
