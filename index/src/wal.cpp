#include "rollcall/index/wal.hpp"

#include <fcntl.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "bytes.hpp"
#include "crc32c.hpp"
#include "file_util.hpp"

namespace rollcall::persist {
namespace {

constexpr std::uint32_t kSegmentMagic = 0x4c415752;  // "RWAL" little-endian
constexpr std::size_t kSegmentHeaderBytes = 20;
constexpr std::size_t kRecordHeaderBytes = 16;
constexpr std::string_view kSegmentPrefix = "wal-";
constexpr std::string_view kSegmentSuffix = ".log";

struct Segment {
  std::uint64_t first = 0;  // the sequence its header names
  std::string path;
};

// A torn or corrupt spot where replay stops and the log is cut.
struct Cut {
  std::uint64_t offset = 0;
  std::string reason;
  bool torn = false;
};

struct Frame {
  std::uint64_t sequence = 0;
  std::string_view payload;
};

// A new segment asked for by Wal::rotate().
struct Rotation {
  std::uint64_t first = 0;  // its first sequence
  std::size_t offset = 0;   // where its records begin in the pending bytes
};

// What the flusher took from the appenders for one write and sync.
struct Batch {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::optional<Rotation> rotation;
};

std::string segment_name(std::uint64_t first) {
  return sequence_file_name(kSegmentPrefix, first, kSegmentSuffix);
}

Result<std::vector<Segment>> list_segments(const std::string& dir) {
  auto names = list_dir(dir);
  if (!names) return names.status();
  std::vector<Segment> segments;
  for (const std::string& name : *names) {
    if (auto first = parse_sequence_file_name(name, kSegmentPrefix, kSegmentSuffix)) {
      segments.push_back({*first, join_path(dir, name)});
    }
  }
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.first < b.first; });
  return segments;
}

std::string segment_header(std::uint64_t first) {
  std::string header;
  put_fixed(header, kSegmentMagic);
  put_fixed(header, kWalFormatVersion);
  put_fixed(header, first);
  put_fixed(header, crc32c(header));
  return header;
}

std::optional<Cut> check_segment_header(std::string_view bytes, std::uint64_t first,
                                        bool last_segment) {
  if (bytes.size() < kSegmentHeaderBytes) {
    return Cut{0, "incomplete segment header", last_segment};
  }
  const std::string expected = segment_header(first);
  if (bytes.substr(0, kSegmentHeaderBytes) == expected) return std::nullopt;
  if (load_fixed<std::uint32_t>(bytes.data()) != kSegmentMagic) return Cut{0, "not a WAL segment"};
  if (load_fixed<std::uint32_t>(bytes.data() + 4) != kWalFormatVersion) {
    return Cut{0, "unsupported WAL format version " +
                      std::to_string(load_fixed<std::uint32_t>(bytes.data() + 4))};
  }
  return Cut{0, "segment header damaged or naming another sequence"};
}

// The CRC covers the payload, then the length and sequence fields, so the
// payload's share can be computed before the sequence is known.
std::uint32_t record_crc(std::uint32_t payload_crc, const char* length_and_sequence) {
  return crc32c_extend(payload_crc, length_and_sequence, 12);
}

void put_record(std::uint32_t payload_crc, std::uint64_t sequence, std::string_view payload,
                std::string& out) {
  const std::size_t start = out.size();
  put_fixed(out, std::uint32_t{0});
  put_fixed(out, static_cast<std::uint32_t>(payload.size()));
  put_fixed(out, sequence);
  const std::uint32_t crc = record_crc(payload_crc, out.data() + start + 4);
  for (int i = 0; i < 4; ++i) out[start + i] = static_cast<char>(crc >> (8 * i));
  out.append(payload);
}

// Reads the record at `offset`, or says why the log must be cut there.
std::optional<Cut> read_frame(std::string_view bytes, std::uint64_t offset, bool last_segment,
                              Frame& frame) {
  const std::uint64_t left = bytes.size() - offset;
  const char* at = bytes.data() + offset;
  if (left < kRecordHeaderBytes) {
    return Cut{offset, "incomplete record header (" + std::to_string(left) + " bytes)",
               last_segment};
  }
  const auto length = load_fixed<std::uint32_t>(at + 4);
  if (length > kMaxWalPayloadBytes) {
    return Cut{offset, "implausible record length " + std::to_string(length)};
  }
  if (left < kRecordHeaderBytes + length) {
    return Cut{offset,
               "incomplete record (" + std::to_string(left) + " of " +
                   std::to_string(kRecordHeaderBytes + length) + " bytes)",
               last_segment};
  }
  frame.payload = bytes.substr(offset + kRecordHeaderBytes, length);
  if (record_crc(crc32c(frame.payload), at + 4) != load_fixed<std::uint32_t>(at)) {
    return Cut{offset, "checksum mismatch"};
  }
  frame.sequence = load_fixed<std::uint64_t>(at + 8);
  return std::nullopt;
}

// Replays the segments in order and cuts the log at the first bad record.
class Recovery {
 public:
  Recovery(std::string dir, std::uint64_t after, const WalReplayFn& replay)
      : dir_(std::move(dir)), after_(after), replay_(replay) {}

  Status run(std::vector<Segment>& segments) {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const bool last = i + 1 == segments.size();
      // Every record of segment i precedes the next segment's first.
      if (!last && segments[i + 1].first <= after_ + 1) continue;
      if (Status reached = check_no_gap_before(segments[i]); !reached) return reached;
      auto cut = replay_segment(segments[i], last);
      if (!cut) return cut.status();
      if (*cut) return apply_cut(segments, i, **cut);
    }
    return {};
  }

  WalRecovery report() const {
    WalRecovery report = report_;
    report.last_sequence = std::max(after_, last_seen_);
    return report;
  }

 private:
  Result<std::optional<Cut>> replay_segment(const Segment& segment, bool last) {
    auto file = File::open(segment.path, O_RDONLY);
    if (!file) return file.status();
    auto data = file->read_all();
    if (!data) return data.status();
    const std::string_view bytes = *data;
    if (auto cut = check_segment_header(bytes, segment.first, last)) return cut;
    Frame frame;
    for (std::uint64_t offset = kSegmentHeaderBytes; offset < bytes.size();
         offset += kRecordHeaderBytes + frame.payload.size()) {
      if (auto cut = read_frame(bytes, offset, last, frame)) return cut;
      if (Status accepted = accept(frame, segment, offset); !accepted) return accepted;
    }
    return std::optional<Cut>();
  }

  // A segment may hold no records (a rotation just made it), so gaps are
  // checked at segment starts as well as at each record.
  Status check_no_gap_before(const Segment& segment) const {
    const std::uint64_t expected = std::max(after_, last_seen_) + 1;
    if (segment.first <= expected) return {};
    return Status::error(located(segment.path, 0, missing(expected, segment.first - 1)));
  }

  static std::string missing(std::uint64_t first, std::uint64_t last) {
    std::string text = "records ";
    text.append(std::to_string(first)).append("..").append(std::to_string(last));
    return text.append(" are in neither the snapshot nor the log");
  }

  // A record with a good checksum in the wrong place is not a torn write:
  // fail rather than guess.
  Status accept(const Frame& frame, const Segment& segment, std::uint64_t offset) {
    const std::uint64_t sequence = frame.sequence;
    const auto error = [&](const std::string& what) {
      return Status::error(located(segment.path, offset, what));
    };
    if (sequence <= last_seen_ || sequence < segment.first) {
      return error("record " + std::to_string(sequence) + " is out of order (after " +
                   std::to_string(last_seen_) + ")");
    }
    if (sequence > after_) {
      const std::uint64_t expected = std::max(after_, last_seen_) + 1;
      if (sequence != expected) return error(missing(expected, sequence - 1));
      if (Status replayed = replay_(sequence, frame.payload); !replayed) {
        return error("replaying record " + std::to_string(sequence) + ": " + replayed.message());
      }
      ++report_.replayed;
    }
    last_seen_ = sequence;
    return {};
  }

  // Drops everything from the cut on; a corrupt (not torn) tail is kept aside.
  Status apply_cut(std::vector<Segment>& segments, std::size_t index, const Cut& cut) {
    WalDamage& damage = report_.damage.emplace();
    damage = {segments[index].path, cut.offset, cut.reason, cut.torn, 0, ""};
    if (Status cut_status = cut_segment(segments[index], cut, damage); !cut_status) {
      return cut_status;
    }
    for (std::size_t i = index + 1; i < segments.size(); ++i) {
      if (Status moved = move_aside(segments[i].path, damage); !moved) return moved;
    }
    const bool keep_cut_segment = cut.offset >= kSegmentHeaderBytes;
    segments.erase(segments.begin() + static_cast<std::ptrdiff_t>(index + keep_cut_segment),
                   segments.end());
    return sync_dir(dir_);
  }

  static Status cut_segment(const Segment& segment, const Cut& cut, WalDamage& damage) {
    auto file = File::open(segment.path, O_RDWR);
    if (!file) return file.status();
    auto data = file->read_all();
    if (!data) return data.status();
    damage.bytes_cut += data->size() - cut.offset;
    if (!cut.torn) {
      damage.preserved_as = segment.path + ".corrupt";
      if (Status saved = save(damage.preserved_as, std::string_view(*data).substr(cut.offset));
          !saved) {
        return saved;
      }
    }
    if (cut.offset < kSegmentHeaderBytes) return remove_file(segment.path);
    if (Status truncated = file->truncate(cut.offset); !truncated) return truncated;
    return file->sync_data();
  }

  static Status move_aside(const std::string& path, WalDamage& damage) {
    auto file = File::open(path, O_RDONLY);
    if (!file) return file.status();
    auto size = file->size();
    if (!size) return size.status();
    damage.bytes_cut += *size;
    return rename_file(path, path + ".discarded");
  }

  static Status save(const std::string& path, std::string_view bytes) {
    auto file = File::open(path, O_WRONLY | O_CREAT | O_TRUNC);
    if (!file) return file.status();
    if (Status written = file->write_all(bytes); !written) return written;
    return file->sync_data();
  }

  std::string dir_;
  std::uint64_t after_;
  const WalReplayFn& replay_;
  std::uint64_t last_seen_ = 0;
  WalRecovery report_;
};

}  // namespace

std::string WalDamage::message() const {
  std::string text =
      located(file, offset, reason) + "; cut " + std::to_string(bytes_cut) + " bytes";
  if (torn_tail) text += " (torn tail of an interrupted write)";
  if (!preserved_as.empty()) text += ", kept in " + preserved_as;
  return text;
}

struct Wal::State {
  State(std::string dir, const WalOptions& options, WalRecovery recovery)
      : dir(std::move(dir)), options(options), recovery(std::move(recovery)) {
    next_sequence = this->recovery.last_sequence + 1;
    durable = this->recovery.last_sequence;
  }

  Status open_active(std::vector<Segment> existing);
  Status create_segment(std::uint64_t first);
  void run_flusher();
  Batch take_batch();
  Status flush(const Batch& taken);
  Status write_synced(std::uint64_t first, std::string_view records);
  void finish_batch(const Batch& taken);
  void fail(Status status);
  std::condition_variable& batch_cv_of(std::uint64_t sequence);
  Result<std::uint64_t> append(std::string_view payload);
  Status wait_durable(std::uint64_t sequence);
  Result<std::uint64_t> rotate();
  Status wait_rotated(std::uint64_t first);
  Status drop_segments_before(std::uint64_t sequence);
  Status closing() const;
  void stop();

  const std::string dir;
  const WalOptions options;
  const WalRecovery recovery;

  mutable std::mutex mu;
  std::condition_variable work_cv;  // the flusher: work arrived or stop
  // Each waiter sleeps on the condition variable of the batch holding its
  // record: the one being written (records up to `flushing`) or the next. The
  // two swap roles when the flusher takes a batch, so a sync wakes only the
  // writers it made durable; a failure wakes both.
  std::condition_variable batch_cv[2];
  int writing_cv = 0;  // batch_cv[writing_cv]: the batch being written
  std::uint64_t flushing = 0;
  std::condition_variable space_cv;    // appenders held back by max_pending_bytes
  std::condition_variable rotated_cv;  // rotate() and wait_rotated(): a rotation finished
  std::string pending;
  std::uint64_t next_sequence = 1;
  std::uint64_t durable = 0;
  std::optional<Rotation> rotation;  // asked for, not yet taken by the flusher
  std::uint64_t boundary = 0;        // first sequence of the newest segment asked for
  std::uint64_t rotated_to = 0;      // first sequence of the newest segment created
  Status failure;
  bool stopping = false;

  // Owned by the flusher thread once it runs.
  File active;
  std::uint64_t active_first = 0;
  std::uint64_t active_bytes = 0;
  std::string batch;

  std::mutex segments_mu;
  std::vector<Segment> segments;  // oldest first; the last is active

  std::thread flusher;
};

Status Wal::State::open_active(std::vector<Segment> existing) {
  boundary = rotated_to = existing.empty() ? next_sequence : existing.back().first;
  if (existing.empty()) return create_segment(next_sequence);
  if (existing.back().first > next_sequence) {
    return Status::error(existing.back().path + " starts after the next sequence " +
                         std::to_string(next_sequence));
  }
  auto file = File::open(existing.back().path, O_WRONLY | O_APPEND);
  if (!file) return file.status();
  auto size = file->size();
  if (!size) return size.status();
  active = std::move(*file);
  active_first = existing.back().first;
  active_bytes = *size;
  segments = std::move(existing);
  return {};
}

Status Wal::State::create_segment(std::uint64_t first) {
  // Never replace a segment: one a rotation made is empty (and may count as
  // full under a tiny segment_bytes) when the records for it arrive.
  if (first == active_first) return {};
  // A segment appears under its name only with its header complete (written
  // aside, then renamed), so a crash never leaves a segment without one.
  const std::string path = join_path(dir, segment_name(first));
  const std::string temporary = path + ".tmp";
  const std::string header = segment_header(first);
  {
    auto file = File::open(temporary, O_WRONLY | O_CREAT | O_TRUNC);
    if (!file) return file.status();
    if (Status written = file->write_all(header); !written) return written;
    if (Status synced = file->sync_data(); !synced) return synced;
  }
  if (Status renamed = rename_file(temporary, path); !renamed) return renamed;
  if (Status synced = sync_dir(dir); !synced) return synced;
  auto file = File::open(path, O_WRONLY | O_APPEND);
  if (!file) return file.status();
  active = std::move(*file);
  active_first = first;
  active_bytes = header.size();
  std::lock_guard lock(segments_mu);
  segments.push_back({first, path});
  return {};
}

// The records before a rotation reach the disk before the new segment exists,
// so recovery never finds a segment after a gap.
Status Wal::State::flush(const Batch& taken) {
  std::string_view records = batch;
  std::uint64_t first = taken.first;
  if (taken.rotation) {
    const std::size_t before = taken.rotation->offset;
    if (Status written = write_synced(first, records.substr(0, before)); !written) return written;
    if (Status created = create_segment(taken.rotation->first); !created) return created;
    records.remove_prefix(before);
    first = taken.rotation->first;
  }
  return write_synced(first, records);
}

// Appends records, the first numbered `first`, to the log and syncs them.
Status Wal::State::write_synced(std::uint64_t first, std::string_view records) {
  if (records.empty()) return {};
  if (active_bytes >= options.segment_bytes) {
    if (Status created = create_segment(first); !created) return created;
  }
  if (Status written = active.write_all(records); !written) return written;
  active_bytes += records.size();
  return active.sync_data();
}

void Wal::State::run_flusher() {
  std::unique_lock lock(mu);
  while (true) {
    work_cv.wait(lock, [this] { return !pending.empty() || rotation || stopping; });
    if (pending.empty() && !rotation) return;
    const Batch taken = take_batch();
    lock.unlock();
    space_cv.notify_all();
    Status flushed = flush(taken);
    batch.clear();
    lock.lock();
    // After a failed write or fdatasync the file's state is unknown: stop for good.
    if (!flushed) return fail(std::move(flushed));
    finish_batch(taken);
  }
}

Batch Wal::State::take_batch() {
  batch.swap(pending);
  flushing = next_sequence - 1;
  writing_cv = 1 - writing_cv;
  return {durable + 1, next_sequence - 1, std::exchange(rotation, std::nullopt)};
}

void Wal::State::finish_batch(const Batch& taken) {
  durable = taken.last;
  rotated_to = active_first;
  if (taken.rotation) rotated_cv.notify_all();
  batch_cv[writing_cv].notify_all();
}

void Wal::State::fail(Status status) {
  failure = std::move(status);
  for (auto& cv : batch_cv) cv.notify_all();
  space_cv.notify_all();
  rotated_cv.notify_all();
}

Result<std::uint64_t> Wal::State::append(std::string_view payload) {
  if (payload.size() > kMaxWalPayloadBytes) {
    return Status::error("WAL record of " + std::to_string(payload.size()) + " bytes is too large");
  }
  const std::uint32_t payload_crc = crc32c(payload);
  std::unique_lock lock(mu);
  space_cv.wait(lock,
                [this] { return pending.size() < options.max_pending_bytes || !failure.ok(); });
  if (!failure.ok()) return failure;
  if (stopping) return closing();
  const bool was_idle = pending.empty();
  const std::uint64_t sequence = next_sequence++;
  put_record(payload_crc, sequence, payload, pending);
  lock.unlock();
  if (was_idle) work_cv.notify_one();
  return sequence;
}

Status Wal::State::wait_durable(std::uint64_t sequence) {
  std::unique_lock lock(mu);
  if (sequence >= next_sequence) {
    return Status::error("WAL record " + std::to_string(sequence) + " was never appended");
  }
  while (durable < sequence && failure.ok()) batch_cv_of(sequence).wait(lock);
  return durable >= sequence ? Status() : failure;
}

std::condition_variable& Wal::State::batch_cv_of(std::uint64_t sequence) {
  return batch_cv[sequence <= flushing ? writing_cv : 1 - writing_cv];
}

Result<std::uint64_t> Wal::State::rotate() {
  std::unique_lock lock(mu);
  if (!failure.ok()) return failure;
  if (stopping) return closing();
  if (boundary == next_sequence) return boundary;
  // One rotation at a time: its offset is into the bytes pending now.
  rotated_cv.wait(lock, [this] { return !rotation || !failure.ok(); });
  if (!failure.ok()) return failure;
  if (stopping) return closing();
  boundary = next_sequence;
  rotation = Rotation{boundary, pending.size()};
  lock.unlock();
  work_cv.notify_one();
  return boundary;
}

Status Wal::State::wait_rotated(std::uint64_t first) {
  std::unique_lock lock(mu);
  if (first > boundary) {
    return Status::error("no WAL segment starting at " + std::to_string(first) + " was asked for");
  }
  rotated_cv.wait(lock, [&] { return rotated_to >= first || !failure.ok(); });
  return rotated_to >= first ? Status() : failure;
}

Status Wal::State::drop_segments_before(std::uint64_t sequence) {
  std::lock_guard lock(segments_mu);
  Status status;
  std::size_t dropped = 0;
  while (status.ok() && dropped + 1 < segments.size() && segments[dropped + 1].first <= sequence) {
    status = remove_file(segments[dropped].path);
    if (status.ok()) ++dropped;
  }
  segments.erase(segments.begin(), segments.begin() + static_cast<std::ptrdiff_t>(dropped));
  if (dropped == 0) return status;
  Status synced = sync_dir(dir);
  return status.ok() ? synced : status;
}

Status Wal::State::closing() const {
  std::string message = "WAL in ";
  message.append(dir).append(" is closing");
  return Status::error(message);
}

void Wal::State::stop() {
  {
    std::lock_guard lock(mu);
    stopping = true;
  }
  work_cv.notify_one();
  if (flusher.joinable()) flusher.join();
}

Result<Wal> Wal::open(const std::string& dir, std::uint64_t after, const WalReplayFn& replay,
                      const WalOptions& options) {
  if (Status made = make_dir(dir); !made) return made;
  auto segments = list_segments(dir);
  if (!segments) return segments.status();
  Recovery recovery(dir, after, replay);
  if (Status recovered = recovery.run(*segments); !recovered) return recovered;
  auto state = std::make_unique<State>(dir, options, recovery.report());
  if (Status opened = state->open_active(std::move(*segments)); !opened) return opened;
  State* raw = state.get();
  state->flusher = std::thread([raw] { raw->run_flusher(); });
  return Wal(std::move(state));
}

Wal::Wal(std::unique_ptr<State> state) : state_(std::move(state)) {}
Wal::Wal(Wal&& other) noexcept = default;

Wal& Wal::operator=(Wal&& other) noexcept {
  if (this != &other) {
    if (state_) state_->stop();
    state_ = std::move(other.state_);
  }
  return *this;
}

Wal::~Wal() {
  if (state_) state_->stop();
}

const WalRecovery& Wal::recovery() const { return state_->recovery; }

Result<std::uint64_t> Wal::append(std::string_view payload) { return state_->append(payload); }

Status Wal::wait_durable(std::uint64_t sequence) { return state_->wait_durable(sequence); }

Result<std::uint64_t> Wal::append_durable(std::string_view payload) {
  auto sequence = append(payload);
  if (!sequence) return sequence;
  if (Status durable = wait_durable(*sequence); !durable) return durable;
  return sequence;
}

std::uint64_t Wal::last_sequence() const {
  std::lock_guard lock(state_->mu);
  return state_->next_sequence - 1;
}

std::uint64_t Wal::durable_sequence() const {
  std::lock_guard lock(state_->mu);
  return state_->durable;
}

Result<std::uint64_t> Wal::rotate() { return state_->rotate(); }

Status Wal::wait_rotated(std::uint64_t first) { return state_->wait_rotated(first); }

Status Wal::drop_segments_before(std::uint64_t sequence) {
  return state_->drop_segments_before(sequence);
}

}  // namespace rollcall::persist
