#include "rollcall/index/durable_member_store.hpp"

#include <chrono>
#include <future>
#include <mutex>
#include <utility>

#include "rollcall/index/data_dir_lock.hpp"
#include "rollcall/index/record_codec.hpp"

namespace rollcall::index {

using persist::Result;
using persist::Status;

namespace {

// The sequence of the last record this thread appended. The journal runs on
// the writing thread, so the write that called it reads its own sequence here.
thread_local std::uint64_t t_appended_sequence = 0;

// Loads a snapshot's records into the store.
class StoreSink : public persist::SnapshotSink {
 public:
  explicit StoreSink(OrganizationMemberStore& store) : store_(store) {}

  Status add(OrganizationMember&& record) override {
    store_.restore(std::move(record));
    return {};
  }
  Status add(SpaceMember&& /*record*/) override {
    return Status::error("the snapshot holds SpaceMember records, which this version cannot load");
  }

 private:
  OrganizationMemberStore& store_;
};

Status replay_error(std::uint64_t sequence, const std::string& what) {
  return Status::error("log record " + std::to_string(sequence) + ": " + what);
}

Status apply_logged(OrganizationMemberStore& store, std::uint64_t sequence,
                    std::string_view payload) {
  auto mutation = persist::decode_mutation(payload);
  if (!mutation) return replay_error(sequence, mutation.status().message());
  if (mutation->entity != persist::EntityType::kOrganizationMember) {
    return replay_error(sequence, std::string(persist::to_string(mutation->entity)) +
                                      " records are not supported by this version");
  }
  if (mutation->op == persist::Op::kDelete) {
    if (store.restore_erase(mutation->id)) return {};
    return replay_error(sequence, "deletes OrganizationMember " + mutation->id.to_string() +
                                      ", which does not exist");
  }
  OrganizationMember record;
  if (Status decoded = persist::decode_record(mutation->payload, record); !decoded) {
    return replay_error(sequence, decoded.message());
  }
  if (record.organization_member_id != mutation->id) {
    return replay_error(sequence, "the record's ID differs from the mutation's");
  }
  store.restore(std::move(record));
  return {};
}

StoreError unavailable(const std::string& what, const Status& status) {
  return StoreError{StoreErrorCode::kUnavailable, what + ": " + status.message()};
}

}  // namespace

struct DurableMemberStore::State {
  State(std::string dir, DurableStoreOptions options, persist::DataDirLock lock)
      : dir(std::move(dir)),
        options(std::move(options)),
        lock(std::move(lock)),
        store(this->options.token_key) {}

  std::optional<StoreError> journal(const OrganizationMember* after, const Uuid& id) {
    std::string bytes;
    if (after != nullptr) {
      persist::encode_upsert(*after, bytes);
    } else {
      persist::encode_delete(persist::EntityType::kOrganizationMember, id, bytes);
    }
    auto sequence = wal->append(bytes);
    if (!sequence) return unavailable("write-ahead log refused the write", sequence.status());
    t_appended_sequence = *sequence;
    return std::nullopt;
  }

  // Completes a write that the store accepted (and journaled) or refused.
  std::optional<StoreError> made_durable(std::optional<StoreError> error) {
    if (error) return error;
    if (Status synced = wal->wait_durable(t_appended_sequence); !synced) {
      return unavailable("write-ahead log failed to sync", synced);
    }
    return std::nullopt;
  }

  std::string dir;
  DurableStoreOptions options;
  persist::DataDirLock lock;
  OrganizationMemberStore store;
  std::optional<persist::Wal> wal;
  Recovery recovery;
  std::mutex snapshot_mutex;  // one snapshot, and its pruning, at a time
  std::mutex background_mutex;
  Status background_status;
  std::future<Status> background;  // last: joined before the rest goes
};

Result<std::unique_ptr<DurableMemberStore>> DurableMemberStore::open(
    const std::string& data_dir, const DurableStoreOptions& options) {
  auto lock = persist::DataDirLock::acquire(data_dir);
  if (!lock) return lock.status();
  auto state = std::make_unique<State>(data_dir, options, std::move(*lock));
  StoreSink sink(state->store);
  auto loaded = persist::load_newest_snapshot(data_dir, sink);
  if (!loaded) return loaded.status();
  Recovery& recovery = state->recovery;
  recovery.snapshot = loaded->loaded;
  recovery.skipped_snapshots = loaded->skipped;
  const std::uint64_t after = recovery.snapshot ? recovery.snapshot->sequence : 0;
  auto wal = persist::Wal::open(
      data_dir, after,
      [&store = state->store](std::uint64_t sequence, std::string_view payload) {
        return apply_logged(store, sequence, payload);
      },
      options.wal);
  if (!wal) return wal.status();
  recovery.replayed = wal->recovery().replayed;
  recovery.damage = wal->recovery().damage;
  state->wal.emplace(std::move(*wal));
  state->store.set_journal(
      [raw = state.get()](const OrganizationMember* after_write, const Uuid& id) {
        return raw->journal(after_write, id);
      });
  return std::unique_ptr<DurableMemberStore>(new DurableMemberStore(std::move(state)));
}

DurableMemberStore::DurableMemberStore(std::unique_ptr<State> state) : state_(std::move(state)) {}

DurableMemberStore::~DurableMemberStore() { (void)wait_for_snapshot(); }

const Recovery& DurableMemberStore::recovery() const { return state_->recovery; }

const OrganizationMemberStore& DurableMemberStore::store() const { return state_->store; }

std::optional<StoreError> DurableMemberStore::insert(OrganizationMember member) {
  return state_->made_durable(state_->store.insert(std::move(member)));
}

std::optional<StoreError> DurableMemberStore::replace(
    OrganizationMember member, std::optional<std::int64_t> expected_version) {
  return state_->made_durable(state_->store.replace(std::move(member), expected_version));
}

std::optional<StoreError> DurableMemberStore::erase(const Uuid& id,
                                                    std::optional<std::int64_t> expected_version) {
  return state_->made_durable(state_->store.erase(id, expected_version));
}

std::optional<DurableMemberStore::BulkError> DurableMemberStore::insert_all(
    std::vector<OrganizationMember> members, const std::function<void(std::size_t)>& progress,
    std::size_t progress_every) {
  std::optional<BulkError> failed;
  std::size_t done = 0;
  for (; done < members.size() && !failed; ++done) {
    if (auto error = state_->store.insert(std::move(members[done]))) {
      failed = BulkError{done, std::move(*error)};
    } else if (progress && (done + 1) % progress_every == 0) {
      progress(done + 1);
    }
  }
  // Whatever was appended before a failure is still made durable.
  if (auto error = state_->made_durable(std::nullopt); error && !failed) {
    failed = BulkError{done, std::move(*error)};
  }
  return failed;
}

Result<persist::SnapshotInfo> DurableMemberStore::snapshot() {
  std::lock_guard guard(state_->snapshot_mutex);
  std::uint64_t sequence = 0;
  const std::vector<MemberPtr> records =
      state_->store.all([&] { sequence = state_->wal->last_sequence(); });
  auto info = persist::write_snapshot(state_->dir, sequence, records);
  if (!info) return info;
  auto oldest_kept = persist::prune_snapshots(state_->dir, state_->options.keep_snapshots);
  if (!oldest_kept) return oldest_kept.status();
  if (Status dropped = state_->wal->drop_segments_before(*oldest_kept + 1); !dropped) {
    return dropped;
  }
  return info;
}

bool DurableMemberStore::snapshot_in_background() {
  std::lock_guard guard(state_->background_mutex);
  auto& running = state_->background;
  if (running.valid()) {
    if (running.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    state_->background_status = running.get();
  }
  running = std::async(std::launch::async, [this] {
    auto info = snapshot();
    return info ? Status() : info.status();
  });
  return true;
}

Status DurableMemberStore::wait_for_snapshot() {
  std::lock_guard guard(state_->background_mutex);
  if (state_->background.valid()) state_->background_status = state_->background.get();
  return state_->background_status;
}

}  // namespace rollcall::index
