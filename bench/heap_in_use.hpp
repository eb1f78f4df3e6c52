// Heap bytes in use, as glibc counts them: from its arenas and, for large
// blocks (hash tables' buckets, say), mmap; malloc's per-chunk overhead included.
#pragma once

#include <malloc.h>

#include <cstddef>

namespace rollcall::bench {

inline std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

}  // namespace rollcall::bench
