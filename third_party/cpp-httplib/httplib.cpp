// Compiles the vendored header once with the target's definitions, and checks
// that they are the ones the server relies on.
#include <cpp-httplib/httplib.h>

static_assert(CPPHTTPLIB_REQUEST_URI_MAX_LENGTH >= 32768 + 2, "32 KiB request lines");
static_assert(CPPHTTPLIB_HEADER_MAX_COUNT > 0, "the header-count backport is in");
#ifndef CPPHTTPLIB_USE_POLL
#error "select() fails on descriptors above 1023"
#endif
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT) || defined(CPPHTTPLIB_ZLIB_SUPPORT)
#error "rollcall builds cpp-httplib without OpenSSL and zlib"
#endif
