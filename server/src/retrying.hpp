// A system call's result, the call made again while a signal interrupts it.
#pragma once

#include <sys/types.h>

#include <cerrno>

namespace rollcall::server {

template <class Call>
ssize_t retrying(Call call) {
  ssize_t n = 0;
  do {
    n = call();
  } while (n < 0 && errno == EINTR);
  return n;
}

}  // namespace rollcall::server
