#include "rollcall/index/interned.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/index/entities.hpp"

namespace rollcall::index {
namespace {

std::size_t hash_of(const std::string& text) { return std::hash<std::string_view>{}(text); }

std::size_t hash_of(const std::vector<Uuid>& ids) {
  const std::string_view bytes(reinterpret_cast<const char*>(ids.data()),
                               ids.size() * sizeof(Uuid));
  return std::hash<std::string_view>{}(bytes);
}

std::size_t hash_of(const Labels& labels) {
  std::size_t hash = labels.size();
  for (const auto& [key, value] : labels) {
    hash = hash * 31 + hash_of(key);
    hash = hash * 31 + hash_of(value);
  }
  return hash;
}

}  // namespace

// Open addressing with linear probing; each slot keeps its value's hash, so a
// probe reads a node only when the hashes match.
template <class T>
struct Interned<T>::Pool {
  struct Slot {
    std::size_t hash = 0;
    Node* node = nullptr;
  };

  std::mutex mutex;
  std::vector<Slot> slots;  // a power of two, at most half full
  std::size_t count = 0;

  Node* find(const T& value, std::size_t hash) const {
    if (slots.empty()) return nullptr;
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = hash & mask; slots[i].node != nullptr; i = (i + 1) & mask) {
      if (slots[i].hash == hash && slots[i].node->value == value) return slots[i].node;
    }
    return nullptr;
  }

  void insert(Node* node) {
    if ((count + 1) * 2 > slots.size()) grow();
    place(slots, node);
    ++count;
  }

  // Backward-shift deletion: later entries of the run move up, so no probe
  // ever stops early at the hole.
  void erase(const Node* node) {
    const std::size_t mask = slots.size() - 1;
    std::size_t hole = node->hash & mask;
    while (slots[hole].node != node) hole = (hole + 1) & mask;
    for (std::size_t next = (hole + 1) & mask; slots[next].node != nullptr;
         next = (next + 1) & mask) {
      const std::size_t home = slots[next].hash & mask;
      // The entry may fill the hole when its home is not within (hole, next].
      const bool stays = hole < next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      slots[hole] = slots[next];
      hole = next;
    }
    slots[hole] = Slot{};
    --count;
  }

 private:
  static void place(std::vector<Slot>& table, Node* node) {
    const std::size_t mask = table.size() - 1;
    std::size_t i = node->hash & mask;
    while (table[i].node != nullptr) i = (i + 1) & mask;
    table[i] = Slot{node->hash, node};
  }

  void grow() {
    std::vector<Slot> larger(std::max<std::size_t>(64, slots.size() * 2));
    for (const Slot& slot : slots) {
      if (slot.node != nullptr) place(larger, slot.node);
    }
    slots.swap(larger);
  }
};

template <class T>
typename Interned<T>::Pool& Interned<T>::pool() {
  // Never destroyed: a record released during static destruction still finds it.
  static Pool* const instance = new Pool;
  return *instance;
}

template <class T>
const T& Interned<T>::empty_value() noexcept {
  // Never destroyed, as the pool; an empty T allocates nothing.
  alignas(T) static unsigned char storage[sizeof(T)];
  static const T* const empty = new (storage) T();
  return *empty;
}

// The first small values a thread interned, in one of two slots by their hash, so
// that decoding a million records that repeat a few values (roles, statuses)
// takes the pool's lock only on a miss. A slot is filled once, not replaced:
// with many distinct values (label sets) replacing would only add churn. Each
// slot holds a reference: a cached value outlives its records until the thread
// ends, which is why large values are not cached.
template <class T>
struct Interned<T>::RecentCache {
  static constexpr std::size_t kSlots = 16;
  static constexpr std::size_t kMaxCachedSize = 16;  // elements, or bytes of a string
  std::array<Interned, kSlots> slots;

  // The two slots a value may take.
  Interned& slot(std::size_t hash, std::size_t which) { return slots[(hash + which) % kSlots]; }
};

template <class T>
typename Interned<T>::RecentCache& Interned<T>::recent() {
  thread_local RecentCache cache;
  return cache;
}

template <class T>
Interned<T>::Interned(T&& value) {
  intern(std::move(value));
}

template <class T>
Interned<T>::Interned(const T& value) {
  intern(value);
}

template <class T>
template <class V>
void Interned<T>::intern(V&& value) {
  if (value.empty()) return;
  const std::size_t hash = hash_of(value);
  RecentCache& cache = recent();
  for (std::size_t which = 0; which < 2; ++which) {
    const Node* cached = cache.slot(hash, which).node_;
    if (cached != nullptr && cached->hash == hash && cached->value == value) {
      node_ = cache.slot(hash, which).node_;
      retain();
      return;
    }
  }
  Pool& shared = pool();
  {
    const std::lock_guard lock(shared.mutex);
    if (Node* found = shared.find(value, hash)) {
      node_ = found;
      retain();
    } else {
      std::unique_ptr<Node> node(new Node{T(std::forward<V>(value)), hash});
      shared.insert(node.get());
      node_ = node.release();
    }
  }
  if (node_->value.size() > RecentCache::kMaxCachedSize) return;
  for (std::size_t which = 0; which < 2; ++which) {
    if (cache.slot(hash, which).node_ == nullptr) {
      cache.slot(hash, which) = *this;
      return;
    }
  }
}

// A count may reach zero only under the pool's lock, where lookups take new
// references; above one it drops without the lock.
template <class T>
void Interned<T>::release() noexcept {
  Node* node = std::exchange(node_, nullptr);
  if (node == nullptr) return;
  std::uint32_t refs = node->refs.load(std::memory_order_relaxed);
  while (refs > 1) {
    if (node->refs.compare_exchange_weak(refs, refs - 1, std::memory_order_release,
                                         std::memory_order_relaxed)) {
      return;
    }
  }
  Pool& shared = pool();
  const std::lock_guard lock(shared.mutex);
  if (node->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  shared.erase(node);
  delete node;
}

template <class T>
std::size_t Interned<T>::distinct() {
  Pool& shared = pool();
  const std::lock_guard lock(shared.mutex);
  return shared.count;
}

template class Interned<std::string>;
template class Interned<std::vector<Uuid>>;
template class Interned<Labels>;

}  // namespace rollcall::index
