// answer_list: one page as the envelope, or every batch as NDJSON, reading the
// next batch through the same read function with the previous page token.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "list_query.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::server {
namespace {

using Item = std::shared_ptr<const std::string>;
using Page = index::Listing<Item>;

// Batches by page token: "" is the first; a token with no batch is refused.
struct FakeRead {
  std::shared_ptr<std::vector<index::ListSpec>> seen =
      std::make_shared<std::vector<index::ListSpec>>();
  std::map<std::string, Page> batches;

  index::DirectoryResult<Page> operator()(const index::ListSpec& spec) const {
    seen->push_back(spec);
    auto found = batches.find(spec.page_token);
    if (found == batches.end()) {
      return index::StoreError{index::StoreErrorCode::kBadRequest, "page_token has expired"};
    }
    return found->second;
  }
};

Page page(std::vector<std::string> texts, std::string next) {
  Page out;
  for (auto& text : texts) out.items.push_back(std::make_shared<const std::string>(text));
  out.next_page_token = std::move(next);
  out.fields = 7;
  return out;
}

void encode(const std::string& text, index::FieldMask fields, std::string& out) {
  out.append(text).append("/").append(std::to_string(fields));
}

ListParams streaming() {
  ListParams params;
  params.stream = true;
  params.spec.limit = 10;
  params.spec.page_token = "ignored";
  params.spec.include_total = true;
  return params;
}

std::string drain(const Response& response) {
  std::string out;
  response.stream([&](std::string_view chunk) {
    out.append(chunk);
    return true;
  });
  return out;
}

TEST(ListStreamTest, StreamsEveryBatchThroughTheReadWithThePreviousToken) {
  FakeRead read;
  read.batches[""] = page({"a", "b"}, "t1");
  read.batches["t1"] = page({"c"}, "");
  Response response;
  answer_list(read, streaming(), &encode, response);
  ASSERT_TRUE(response.stream);
  EXPECT_EQ(response.content_type, "application/x-ndjson");
  EXPECT_EQ(drain(response), "a/7\nb/7\nc/7\n");
  ASSERT_EQ(read.seen->size(), 2U);
  EXPECT_EQ((*read.seen)[0].page_token, "");  // a stream starts at the first page
  EXPECT_EQ((*read.seen)[0].limit, kStreamBatch);
  EXPECT_FALSE((*read.seen)[0].include_total);
  EXPECT_EQ((*read.seen)[1].page_token, "t1");
}

TEST(ListStreamTest, ParametersAreBoundedByTheDirectorysLargestLimit) {
  const auto parse = [](std::vector<std::pair<std::string, std::string>> query) {
    Request request;
    for (auto& [name, value] : query) request.query.emplace_back(name, value);
    request.headers.emplace_back("Accept", "application/x-ndjson");
    return parse_list(request, 50);
  };
  auto at_edge = parse({{"limit", "50"}});
  ASSERT_TRUE(at_edge);
  EXPECT_EQ(at_edge->spec.limit, 50U);
  EXPECT_EQ(at_edge->stream_batch, 50U);  // a stream reads no more a call either
  auto past = parse({{"limit", "51"}});
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().status, 400);
  EXPECT_NE(past.error().message.find("from 1 to 50"), std::string::npos) << past.error().message;
  auto absent = parse({});
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->spec.limit, 50U);  // the default, 100, cut to the largest
}

TEST(ListStreamTest, ARefusedLaterBatchCutsTheStream) {
  FakeRead read;
  read.batches[""] = page({"a"}, "gone");
  Response response;
  answer_list(read, streaming(), &encode, response);
  ASSERT_TRUE(response.stream);
  EXPECT_THROW(drain(response), std::runtime_error);
}

TEST(ListStreamTest, ARefusedFirstBatchIsAnErrorNotAStream) {
  FakeRead read;  // no batches at all
  Response response;
  answer_list(read, streaming(), &encode, response);
  EXPECT_FALSE(response.stream);
  EXPECT_EQ(response.status, 400);
}

TEST(ListStreamTest, WithoutNdjsonOnePageInTheEnvelope) {
  FakeRead read;
  read.batches["t0"] = page({"a"}, "t1");
  ListParams params;
  params.spec.page_token = "t0";
  Response response;
  answer_list(read, params, &encode, response);
  EXPECT_FALSE(response.stream);
  EXPECT_NE(response.body.find("\"NextPageToken\":\"t1\""), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("a/7"), std::string::npos) << response.body;
}

}  // namespace
}  // namespace rollcall::server
