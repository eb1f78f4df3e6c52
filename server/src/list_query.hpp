// The list parameters of the API (where, filter, contains, order_by, limit,
// page_token, include_total, select, Accept) read from the request; and the
// answer, one page as the JSON envelope or every match as NDJSON.
// OrganizationMember and SpaceMember lists share all of it; the Directory
// compiles the parameters against the caller's view.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http.hpp"
#include "http_error.hpp"
#include "render.hpp"
#include "rollcall/index/json.hpp"
#include "rollcall/index/views.hpp"

namespace rollcall::server {

// Records per Directory call while streaming NDJSON, at most.
inline constexpr std::size_t kStreamBatch = 1000;

// A list request's parameters; `stream`: Accept: application/x-ndjson.
struct ListParams {
  index::ListSpec spec;
  bool stream = false;
  std::size_t stream_batch = kStreamBatch;
};

// `max_limit`: the Directory's (Directory::max_list_limit()).
Outcome<ListParams> parse_list(const Request& request, std::size_t max_limit);

// The error the Directory refused the list with.
void answer_refusal(Response& response, const index::StoreError& error);

// The `encode` of member and space member lists: appends the record's JSON,
// its selected members only, to `out`.
struct AppendJson {
  template <class Record>
  void operator()(const Record& record, index::FieldMask fields, std::string& out) const {
    index::encode_json(record, out, fields);
  }
};

// Streams the records of `first` and of every later batch as NDJSON. A batch
// the Directory refuses cuts the stream: the exception ends the chunked body
// without its last chunk, so the client cannot take it for the whole list.
template <class Read, class Encode, class Listing>
void stream_list(Read read, index::ListSpec spec, Encode encode, Listing first,
                 Response& response) {
  response.content_type = "application/x-ndjson";
  response.stream = [read = std::move(read), spec = std::move(spec), encode = std::move(encode),
                     listing = std::move(first)](const ChunkSink& sink) mutable {
    while (true) {
      std::string chunk;
      for (const auto& record : listing.items) {
        encode(*record, listing.fields, chunk);
        chunk.push_back('\n');
      }
      if (!chunk.empty() && !sink(chunk)) return;
      if (listing.next_page_token.empty()) return;
      spec.page_token = std::move(listing.next_page_token);
      auto next = read(spec);
      if (!next) throw std::runtime_error("NDJSON stream cut: " + next.error().message);
      listing = std::move(*next);
    }
  };
}

// Answers the list: `read(spec)` is one page through the Directory (a stream
// calls it again later: capture the Directory by pointer, the rest by value);
// `encode(record, fields, out)` appends one item's JSON to `out`. A stream starts only once the
// Directory has answered its first batch, so a refused list is the same error
// with or without NDJSON.
template <class Read, class Encode>
void answer_list(Read read, ListParams params, Encode encode, Response& response) {
  if (params.stream) {
    params.spec.limit = params.stream_batch;
    params.spec.page_token.clear();
    params.spec.include_total = false;
  }
  auto page = read(params.spec);
  if (!page) {
    answer_refusal(response, page.error());
    return;
  }
  if (params.stream) {
    stream_list(std::move(read), std::move(params.spec), std::move(encode), std::move(*page),
                response);
    return;
  }
  ListEnvelope envelope;
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    encode(*page->items[i], page->fields, envelope.next_item());
    if (i == 0) envelope.expect(page->items.size());
  }
  response.body = std::move(envelope).finish(page->next_page_token, page->total);
}

}  // namespace rollcall::server
