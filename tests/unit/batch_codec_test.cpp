// Batches: several mutations in one WAL record, applied all or none.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "persist_test_util.hpp"
#include "rollcall/index/record_codec.hpp"

namespace rollcall::persist {
namespace {

using test::test_uuid;

std::vector<std::string> mixed_mutations() {
  std::vector<std::string> mutations(3);
  encode_upsert(
      User{test_uuid(3, 1), "fran", "fran@example.com", "Fran Müller", "fran", "", "", {1}, {2}},
      mutations[0]);
  encode_upsert(AccessToken{{0xab}, test_uuid(3, 1), {3}}, mutations[1]);
  encode_delete(EntityType::kOrganization, test_uuid(2, 4), mutations[2]);
  return mutations;
}

std::string batch_of(const std::vector<std::string>& mutations) {
  std::string bytes;
  encode_batch(mutations, bytes);
  return bytes;
}

// The batch's payload, as decode_mutation hands it over.
std::string payload_of(const std::string& batch) {
  auto view = decode_mutation(batch);
  EXPECT_TRUE(view.ok()) << view.status().message();
  return view.ok() ? std::string(view->payload) : std::string();
}

// The mutations for_each_in_batch visits, and what it returns.
struct Visited {
  std::vector<std::string> mutations;
  Status status;
};

Visited visit(std::string_view payload) {
  Visited visited;
  visited.status = for_each_in_batch(payload, [&visited](std::string_view mutation) {
    visited.mutations.emplace_back(mutation);
    return Status();
  });
  return visited;
}

TEST(BatchCodec, RoundTripsMixedMutations) {
  const std::vector<std::string> mutations = mixed_mutations();
  const std::string batch = batch_of(mutations);
  auto view = decode_mutation(batch);
  ASSERT_TRUE(view.ok()) << view.status().message();
  EXPECT_EQ(view->entity, EntityType::kBatch);
  EXPECT_EQ(view->op, Op::kUpsert);
  EXPECT_EQ(view->id, Uuid{});

  const Visited visited = visit(view->payload);
  ASSERT_TRUE(visited.status.ok()) << visited.status.message();
  EXPECT_EQ(visited.mutations, mutations);

  auto user = decode_mutation(visited.mutations[0]);
  ASSERT_TRUE(user.ok());
  User decoded;
  ASSERT_TRUE(decode_record(user->payload, decoded).ok());
  EXPECT_EQ(decoded.display_name, "Fran Müller");
  EXPECT_EQ(decode_mutation(visited.mutations[1])->entity, EntityType::kAccessToken);
  EXPECT_EQ(decode_mutation(visited.mutations[2])->op, Op::kDelete);
}

TEST(BatchCodec, EmptyBatchHasNoMutations) {
  const Visited visited = visit(payload_of(batch_of({})));
  EXPECT_TRUE(visited.status.ok()) << visited.status.message();
  EXPECT_TRUE(visited.mutations.empty());
}

TEST(BatchCodec, NestedBatchIsRefusedBeforeAnyMutationIsVisited) {
  std::vector<std::string> mutations = mixed_mutations();
  mutations.push_back(batch_of(mixed_mutations()));
  const Visited visited = visit(payload_of(batch_of(mutations)));
  EXPECT_NE(visited.status.message().find("batch mutation 3 is itself a batch"), std::string::npos)
      << visited.status.message();
  EXPECT_TRUE(visited.mutations.empty());
}

// The payload with its one-byte count replaced (append: GCC 12 -Wrestrict misfires on +).
std::string with_count(std::string count, const std::string& payload) {
  return count.append(payload, 1);
}

TEST(BatchCodec, CountThatDisagreesWithTheBytesIsRefused) {
  const std::string payload = payload_of(batch_of(mixed_mutations()));
  ASSERT_EQ(payload[0], '\x03');

  const Visited too_many = visit(with_count("\x7f", payload));
  EXPECT_NE(too_many.status.message().find("count 127 exceeds"), std::string::npos)
      << too_many.status.message();
  EXPECT_TRUE(too_many.mutations.empty());

  const Visited too_few = visit(with_count("\x02", payload));
  EXPECT_NE(too_few.status.message().find("bytes after the record"), std::string::npos)
      << too_few.status.message();
  EXPECT_TRUE(too_few.mutations.empty());

  const Visited huge = visit(with_count(std::string(9, '\xff') + "\x01", payload));
  EXPECT_NE(huge.status.message().find("exceeds"), std::string::npos) << huge.status.message();
}

TEST(BatchCodec, EveryTruncationIsRefused) {
  const std::string payload = payload_of(batch_of(mixed_mutations()));
  for (std::size_t size = 0; size < payload.size(); ++size) {
    const Visited visited = visit(payload.substr(0, size));
    EXPECT_FALSE(visited.status.ok()) << size;
    EXPECT_TRUE(visited.mutations.empty()) << size;
  }
}

TEST(BatchCodec, DamagedNestedEnvelopeIsRefused) {
  std::vector<std::string> mutations = mixed_mutations();
  mutations[1][0] = '\x09';  // codec version
  const Visited visited = visit(payload_of(batch_of(mutations)));
  EXPECT_NE(visited.status.message().find("batch mutation 1: unsupported record codec version 9"),
            std::string::npos)
      << visited.status.message();
  EXPECT_TRUE(visited.mutations.empty());
}

TEST(BatchCodec, CallbackErrorStopsTheIteration) {
  int calls = 0;
  const Status status = for_each_in_batch(
      payload_of(batch_of(mixed_mutations())), [&calls](std::string_view /*mutation*/) {
        return ++calls == 2 ? Status::error("refused") : Status();
      });
  EXPECT_EQ(status.message(), "refused");
  EXPECT_EQ(calls, 2);
}

TEST(BatchCodec, BatchCanOnlyBeAnUpsert) {
  std::string bytes;
  encode_delete(EntityType::kBatch, Uuid{}, bytes);
  EXPECT_NE(decode_mutation(bytes).status().message().find("a batch can only be an upsert"),
            std::string::npos);
}

}  // namespace
}  // namespace rollcall::persist
