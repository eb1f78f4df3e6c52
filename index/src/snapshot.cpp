#include "rollcall/index/snapshot.hpp"

#include <fcntl.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "bytes.hpp"
#include "crc32c.hpp"
#include "file_util.hpp"
#include "rollcall/index/record_codec.hpp"

namespace rollcall::persist {
namespace {

// How each record type is counted in the header and collected in memory.
template <class Record>
struct RecordKind;
template <>
struct RecordKind<OrganizationMember> {
  static constexpr auto count = &SnapshotInfo::organization_members;
  static constexpr auto records = &SnapshotContents::organization_members;
};
template <>
struct RecordKind<SpaceMember> {
  static constexpr auto count = &SnapshotInfo::space_members;
  static constexpr auto records = &SnapshotContents::space_members;
};
template <>
struct RecordKind<User> {
  static constexpr auto count = &SnapshotInfo::users;
  static constexpr auto records = &SnapshotContents::users;
};
template <>
struct RecordKind<Organization> {
  static constexpr auto count = &SnapshotInfo::organizations;
  static constexpr auto records = &SnapshotContents::organizations;
};
template <>
struct RecordKind<AccessToken> {
  static constexpr auto count = &SnapshotInfo::access_tokens;
  static constexpr auto records = &SnapshotContents::access_tokens;
};
template <>
struct RecordKind<IdempotencyEntry> {
  static constexpr auto count = &SnapshotInfo::idempotency_entries;
  static constexpr auto records = &SnapshotContents::idempotency_entries;
};

template <>
struct RecordKind<Space> {
  static constexpr auto count = &SnapshotInfo::spaces;
  static constexpr auto records = &SnapshotContents::spaces;
};
template <>
struct RecordKind<Filter> {
  static constexpr auto count = &SnapshotInfo::filters;
  static constexpr auto records = &SnapshotContents::filters;
};

template <class... Records>
struct RecordTypes {
  static constexpr std::size_t size = sizeof...(Records);
  template <class Visit>
  static void for_each(Visit&& visit) {
    (visit(std::type_identity<Records>{}), ...);
  }
};
// In the order of the header's counts.
using SnapshotRecords = RecordTypes<OrganizationMember, SpaceMember, User, Organization,
                                    AccessToken, IdempotencyEntry, Space, Filter>;

template <class Record, class Info>  // Info: SnapshotInfo, maybe const
auto& count_of(Info& info) {
  return info.*RecordKind<Record>::count;
}

constexpr std::string_view kMagic = "RCSNAP\r\n";
constexpr std::uint32_t kTrailerMagic = 0x444e4553;  // "SEND" little-endian
// The magic and the format version, the part every format version shares.
constexpr std::size_t kFormatPrefixBytes = kMagic.size() + 4;
constexpr std::size_t header_bytes(std::size_t counts) {
  return kFormatPrefixBytes + 4 + 8 + 8 * counts + 4;
}
constexpr std::size_t kHeaderBytes = header_bytes(SnapshotRecords::size);
// Format 2 counted only the first six record types (no Space, no Filter).
constexpr std::uint32_t kOldestReadableFormat = 2;
constexpr std::size_t kFormat2Counts = 6;

std::size_t counts_in_format(std::uint32_t format) {
  return format == 2 ? kFormat2Counts : SnapshotRecords::size;
}
constexpr std::size_t kTrailerBytes = 8;
constexpr std::string_view kPrefix = "snapshot-";
constexpr std::string_view kSuffix = ".snap";
constexpr std::string_view kTempSuffix = ".snap.tmp";
constexpr std::size_t kWriteChunk = 1u << 20;
constexpr std::size_t kReadChunk = 4u << 20;
constexpr std::uint64_t kMaxRecordBytes = 64u << 20;
// Type byte, length byte and the smallest record body (a User with empty strings).
constexpr std::uint64_t kMinRecordBytes = 40;

std::string encode_header(const SnapshotInfo& info) {
  std::string header(kMagic);
  put_fixed(header, kSnapshotFormatVersion);
  put_fixed(header, std::uint32_t{kCodecVersion});
  put_fixed(header, info.sequence);
  SnapshotRecords::for_each(
      [&]<class Record>(std::type_identity<Record>) { put_fixed(header, count_of<Record>(info)); });
  put_fixed(header, crc32c(header));
  return header;
}

// Checked before the rest of the header, whose size depends on the version.
std::string check_format(std::string_view prefix) {
  if (prefix.substr(0, kMagic.size()) != kMagic) return "not a snapshot (bad magic)";
  const auto format = load_fixed<std::uint32_t>(prefix.data() + kMagic.size());
  if (format < kOldestReadableFormat || format > kSnapshotFormatVersion) {
    std::string message = "snapshot format version ";
    message.append(std::to_string(format))
        .append(" is not supported (this version reads format versions ")
        .append(std::to_string(kOldestReadableFormat))
        .append(" to ")
        .append(std::to_string(kSnapshotFormatVersion))
        .append(")");
    return message;
  }
  return "";
}

std::uint32_t format_of(std::string_view prefix) {
  return load_fixed<std::uint32_t>(prefix.data() + kMagic.size());
}

// Fills `info` from a header of a readable format (`header` holds exactly
// the header), or says what is wrong with it. Counts the format lacks stay 0.
std::string decode_header(std::string_view header, SnapshotInfo& info) {
  const std::size_t size = header.size();
  if (crc32c(header.substr(0, size - 4)) != load_fixed<std::uint32_t>(header.data() + size - 4)) {
    return "header checksum mismatch";
  }
  const char* at = header.data() + kFormatPrefixBytes;
  const auto codec = load_fixed<std::uint32_t>(at);
  if (codec != kCodecVersion) return "unsupported record codec version " + std::to_string(codec);
  info.sequence = load_fixed<std::uint64_t>(at + 4);
  at += 12;
  const char* const end = header.data() + size - 4;
  SnapshotRecords::for_each([&]<class Record>(std::type_identity<Record>) {
    if (at == end) return;
    count_of<Record>(info) = load_fixed<std::uint64_t>(at);
    at += 8;
  });
  return "";
}

std::string snapshot_name(std::uint64_t sequence) {
  return sequence_file_name(kPrefix, sequence, kSuffix);
}

// Streams a byte range of a file in chunks; a window may span chunks.
class RangeReader {
 public:
  RangeReader(const File& file, std::uint64_t begin, std::uint64_t end)
      : file_(file), next_read_(begin), end_(end), base_(begin) {}

  // At least `size` unread bytes, unless the range ends first.
  Result<std::string_view> peek(std::size_t size) {
    while (buffer_.size() - used_ < size && next_read_ < end_) {
      if (Status filled = fill(size); !filled) return filled;
    }
    return std::string_view(buffer_).substr(used_);
  }
  void consume(std::size_t size) { used_ += size; }
  std::uint64_t offset() const { return base_ + used_; }
  bool done() const { return used_ == buffer_.size() && next_read_ == end_; }

 private:
  Status fill(std::size_t wanted) {
    base_ += used_;
    buffer_.erase(0, used_);
    used_ = 0;
    const std::size_t chunk = static_cast<std::size_t>(
        std::min<std::uint64_t>(std::max(wanted, kReadChunk), end_ - next_read_));
    const std::size_t kept = buffer_.size();
    buffer_.resize(kept + chunk);
    if (Status read = file_.pread_exact(buffer_.data() + kept, chunk, next_read_); !read) {
      return read;
    }
    next_read_ += chunk;
    return {};
  }

  const File& file_;
  std::uint64_t next_read_;
  std::uint64_t end_;
  std::uint64_t base_;  // file offset of buffer_[0]
  std::string buffer_;
  std::size_t used_ = 0;
};

// Verifies a whole snapshot file first, so a sink never sees records of a
// damaged one; then decodes its records into the sink.
class SnapshotReader {
 public:
  SnapshotReader(const std::string& path, const File& file) : path_(path), file_(file) {}

  Result<SnapshotInfo> verify() {
    if (Status header = read_header(); !header) return header;
    RangeReader region(file_, header_bytes_, records_end());
    std::uint32_t crc = 0;
    while (!region.done()) {
      auto chunk = region.peek(1);
      if (!chunk) return chunk.status();
      crc = crc32c_extend(crc, chunk->data(), chunk->size());
      region.consume(chunk->size());
    }
    if (Status trailer = check_trailer(crc); !trailer) return trailer;
    return info_;
  }

  // Only after verify(): a failure here means a writer bug, not a damaged disk.
  Status decode(SnapshotSink& sink) {
    RangeReader region(file_, header_bytes_, records_end());
    SnapshotInfo counted;
    while (!region.done()) {
      if (Status record = read_record(region, sink, counted); !record) return record;
    }
    bool counts_agree = true;
    SnapshotRecords::for_each([&]<class Record>(std::type_identity<Record>) {
      counts_agree = counts_agree && count_of<Record>(counted) == count_of<Record>(info_);
    });
    if (!counts_agree) return Status::error(path_ + ": record counts disagree with the header");
    return {};
  }

 private:
  std::uint64_t records_end() const { return info_.bytes - kTrailerBytes; }

  Status read_header() {
    auto size = file_.size();
    if (!size) return size.status();
    if (*size < kFormatPrefixBytes) return too_small(*size);
    std::string header(std::min<std::uint64_t>(*size, kHeaderBytes), '\0');
    if (Status read = file_.pread_exact(header.data(), header.size(), 0); !read) return read;
    if (std::string error = check_format(header); !error.empty()) {
      return Status::error(located(path_, 0, error));
    }
    header_bytes_ = header_bytes(counts_in_format(format_of(header)));
    if (*size < header_bytes_ + kTrailerBytes) return too_small(*size);
    header.resize(header_bytes_);
    info_.path = path_;
    info_.bytes = *size;
    if (std::string error = decode_header(header, info_); !error.empty()) {
      return Status::error(located(path_, 0, error));
    }
    return {};
  }

  Status too_small(std::uint64_t size) const {
    return Status::error(path_ + ": " + std::to_string(size) + " bytes is too small");
  }

  Status check_trailer(std::uint32_t records_crc) {
    char trailer[kTrailerBytes];
    if (Status read = file_.pread_exact(trailer, sizeof trailer, records_end()); !read) {
      return read;
    }
    if (load_fixed<std::uint32_t>(trailer + 4) != kTrailerMagic) {
      return Status::error(located(path_, records_end(), "missing trailer"));
    }
    if (load_fixed<std::uint32_t>(trailer) != records_crc) {
      return Status::error(located(path_, records_end(), "records checksum mismatch"));
    }
    return {};
  }

  Status read_record(RangeReader& region, SnapshotSink& sink, SnapshotInfo& counted) {
    const std::uint64_t offset = region.offset();
    auto prefix = region.peek(1 + kMaxVarintBytes);
    if (!prefix) return prefix.status();
    std::uint64_t length = 0;
    const std::size_t taken =
        load_varint(prefix->data() + 1, prefix->data() + prefix->size(), length);
    if (taken == 0 || length > kMaxRecordBytes) {
      return Status::error(located(path_, offset, "malformed record length"));
    }
    const std::size_t framed = 1 + taken + static_cast<std::size_t>(length);
    auto bytes = region.peek(framed);
    if (!bytes) return bytes.status();
    if (bytes->size() < framed) return Status::error(located(path_, offset, "truncated record"));
    const auto type = static_cast<std::uint8_t>((*bytes)[0]);
    Status added = add(type, bytes->substr(1 + taken, length), sink, counted);
    if (!added) return Status::error(located(path_, offset, added.message()));
    region.consume(framed);
    return {};
  }

  static Status add(std::uint8_t type, std::string_view body, SnapshotSink& sink,
                    SnapshotInfo& counted) {
    Status added = Status::error("unknown entity type " + std::to_string(type));
    SnapshotRecords::for_each([&]<class Record>(std::type_identity<Record>) {
      if (type != static_cast<std::uint8_t>(entity_type_of<Record>)) return;
      ++count_of<Record>(counted);
      added = decode_into<Record>(body, sink);
    });
    return added;
  }

  template <class Record>
  static Status decode_into(std::string_view body, SnapshotSink& sink) {
    Record record;
    if (Status decoded = decode_record(body, record); !decoded) return decoded;
    return sink.add(std::move(record));
  }

  const std::string& path_;
  const File& file_;
  SnapshotInfo info_;
  std::size_t header_bytes_ = kHeaderBytes;
};

// Collects a snapshot's records into vectors.
class CollectingSink : public SnapshotSink {
 public:
  explicit CollectingSink(SnapshotContents& contents) : contents_(contents) {}

  // Counts come from a checksummed header, but cap them by the file size anyway.
  Status begin(const SnapshotInfo& info) override {
    contents_.info = info;
    const std::uint64_t most = info.bytes / kMinRecordBytes;
    SnapshotRecords::for_each([&]<class Record>(std::type_identity<Record>) {
      records_of<Record>().reserve(std::min(count_of<Record>(info), most));
    });
    return {};
  }
  Status add(OrganizationMember&& record) override { return collect(record); }
  Status add(SpaceMember&& record) override { return collect(record); }
  Status add(User&& record) override { return collect(record); }
  Status add(Organization&& record) override { return collect(record); }
  Status add(AccessToken&& record) override { return collect(record); }
  Status add(IdempotencyEntry&& record) override { return collect(record); }
  Status add(Space&& record) override { return collect(record); }
  Status add(Filter&& record) override { return collect(record); }

 private:
  template <class Record>
  std::vector<Record>& records_of() {
    return contents_.*RecordKind<Record>::records;
  }
  // Moves from `record` (the adds' rvalue references are lvalues in their bodies).
  template <class Record>
  Status collect(Record& record) {
    records_of<Record>().push_back(std::move(record));
    return {};
  }

  SnapshotContents& contents_;
};

Status cannot_load(EntityType type) {
  return Status::error(std::string("the snapshot holds ") + to_string(type) +
                       " records, which this reader cannot load");
}

// Like read_snapshot, but tells a damaged file (`damaged` set, nothing sent
// to the sink) from a failure after the sink got records.
Result<SnapshotInfo> read_verified(const std::string& path,
                                   std::optional<std::uint64_t> named_sequence, SnapshotSink& sink,
                                   bool& damaged) {
  damaged = true;
  auto file = File::open(path, O_RDONLY);
  if (!file) return file.status();
  SnapshotReader reader(path, *file);
  auto info = reader.verify();
  if (!info) return info;
  if (named_sequence && info->sequence != *named_sequence) {
    return Status::error(path + ": header names sequence " + std::to_string(info->sequence));
  }
  damaged = false;
  if (Status begun = sink.begin(*info); !begun) return begun;
  if (Status decoded = reader.decode(sink); !decoded) return decoded;
  return info;
}

// The snapshots in `dir`, newest first.
Result<std::vector<std::pair<std::uint64_t, std::string>>> list_snapshots(const std::string& dir) {
  auto names = list_dir(dir);
  if (!names) return names.status();
  std::vector<std::pair<std::uint64_t, std::string>> snapshots;
  for (const std::string& name : *names) {
    if (auto sequence = parse_sequence_file_name(name, kPrefix, kSuffix)) {
      snapshots.emplace_back(*sequence, join_path(dir, name));
    }
  }
  std::sort(snapshots.begin(), snapshots.end(), std::greater<>());
  return snapshots;
}

}  // namespace

struct SnapshotWriter::State {
  std::string dir;
  std::string temp_path;
  File file;
  SnapshotInfo info;
  std::string buffer;
  std::string scratch;
  std::uint32_t crc = 0;
  Status status;
  bool committed = false;

  template <class Record>
  Status add(const Record& record);
  Status flush();
  Status finish();
  void abandon();
};

template <class Record>
Status SnapshotWriter::State::add(const Record& record) {
  if (!status.ok()) return status;
  scratch.clear();
  encode_record(record, scratch);
  buffer.push_back(static_cast<char>(entity_type_of<Record>));
  put_varint(buffer, scratch.size());
  buffer += scratch;
  ++count_of<Record>(info);
  if (buffer.size() >= kWriteChunk) status = flush();
  return status;
}

Status SnapshotWriter::State::flush() {
  crc = crc32c_extend(crc, buffer.data(), buffer.size());
  Status written = file.write_all(buffer);
  info.bytes += buffer.size();
  buffer.clear();
  return written;
}

Status SnapshotWriter::State::finish() {
  if (Status flushed = flush(); !flushed) return flushed;
  put_fixed(buffer, crc);
  put_fixed(buffer, kTrailerMagic);
  info.bytes += buffer.size();
  if (Status written = file.write_all(buffer); !written) return written;
  if (Status written = file.pwrite_all(encode_header(info), 0); !written) return written;
  if (Status synced = file.sync_data(); !synced) return synced;
  if (Status closed = file.close(); !closed) return closed;
  if (Status renamed = rename_file(temp_path, info.path); !renamed) return renamed;
  committed = true;
  return sync_dir(dir);
}

Result<SnapshotWriter> SnapshotWriter::create(const std::string& dir, std::uint64_t sequence) {
  auto state = std::make_unique<State>();
  state->dir = dir;
  state->info.sequence = sequence;
  state->info.path = join_path(dir, snapshot_name(sequence));
  state->temp_path = join_path(dir, sequence_file_name(kPrefix, sequence, kTempSuffix));
  auto file = File::open(state->temp_path, O_WRONLY | O_CREAT | O_TRUNC);
  if (!file) return file.status();
  state->file = std::move(*file);
  // Room for the header, written last once the counts are known.
  if (Status written = state->file.write_all(std::string(kHeaderBytes, '\0')); !written) {
    return written;
  }
  state->info.bytes = kHeaderBytes;
  state->buffer.reserve(kWriteChunk + 4096);
  return SnapshotWriter(std::move(state));
}

void SnapshotWriter::State::abandon() {
  if (committed) return;
  (void)file.close();
  (void)remove_file(temp_path);
}

SnapshotWriter::SnapshotWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
SnapshotWriter::SnapshotWriter(SnapshotWriter&& other) noexcept = default;

SnapshotWriter& SnapshotWriter::operator=(SnapshotWriter&& other) noexcept {
  if (this != &other) {
    if (state_) state_->abandon();
    state_ = std::move(other.state_);
  }
  return *this;
}

SnapshotWriter::~SnapshotWriter() {
  if (state_) state_->abandon();
}

Status SnapshotWriter::add(const OrganizationMember& record) { return state_->add(record); }
Status SnapshotWriter::add(const SpaceMember& record) { return state_->add(record); }
Status SnapshotWriter::add(const User& record) { return state_->add(record); }
Status SnapshotWriter::add(const Organization& record) { return state_->add(record); }
Status SnapshotWriter::add(const AccessToken& record) { return state_->add(record); }
Status SnapshotWriter::add(const IdempotencyEntry& record) { return state_->add(record); }
Status SnapshotWriter::add(const Space& record) { return state_->add(record); }
Status SnapshotWriter::add(const Filter& record) { return state_->add(record); }

Status SnapshotSink::add(User&& /*record*/) { return cannot_load(EntityType::kUser); }
Status SnapshotSink::add(Organization&& /*record*/) {
  return cannot_load(EntityType::kOrganization);
}
Status SnapshotSink::add(AccessToken&& /*record*/) { return cannot_load(EntityType::kAccessToken); }
Status SnapshotSink::add(IdempotencyEntry&& /*record*/) {
  return cannot_load(EntityType::kIdempotency);
}
Status SnapshotSink::add(Space&& /*record*/) { return cannot_load(EntityType::kSpace); }
Status SnapshotSink::add(Filter&& /*record*/) { return cannot_load(EntityType::kFilter); }

Result<SnapshotInfo> SnapshotWriter::commit() {
  if (state_->committed) return Status::error(state_->info.path + " is already committed");
  if (!state_->status.ok()) return state_->status;
  state_->status = state_->finish();
  if (!state_->status.ok()) return state_->status;
  return state_->info;
}

Result<SnapshotInfo> read_snapshot(const std::string& path, SnapshotSink& sink) {
  bool damaged = false;
  return read_verified(path, std::nullopt, sink, damaged);
}

Result<SnapshotContents> read_snapshot(const std::string& path) {
  SnapshotContents contents;
  CollectingSink sink(contents);
  auto info = read_snapshot(path, sink);
  if (!info) return info.status();
  return contents;
}

Result<SnapshotLoad> load_newest_snapshot(const std::string& dir, SnapshotSink& sink) {
  auto snapshots = list_snapshots(dir);
  if (!snapshots) return snapshots.status();
  SnapshotLoad load;
  for (const auto& [sequence, path] : *snapshots) {
    bool damaged = false;
    auto info = read_verified(path, sequence, sink, damaged);
    if (info) {
      load.loaded = std::move(*info);
      break;
    }
    if (!damaged) return info.status();
    load.skipped.push_back(info.status().message());
  }
  return load;
}

Result<LoadedSnapshot> load_newest_snapshot(const std::string& dir) {
  SnapshotContents contents;
  CollectingSink sink(contents);
  auto load = load_newest_snapshot(dir, sink);
  if (!load) return load.status();
  LoadedSnapshot loaded;
  if (load->loaded) loaded.snapshot = std::move(contents);
  loaded.skipped = std::move(load->skipped);
  return loaded;
}

Result<std::uint64_t> prune_snapshots(const std::string& dir, std::size_t keep) {
  auto names = list_dir(dir);
  if (!names) return names.status();
  for (const std::string& name : *names) {
    if (!parse_sequence_file_name(name, kPrefix, kTempSuffix)) continue;
    if (Status removed = remove_file(join_path(dir, name)); !removed) return removed;
  }
  auto snapshots = list_snapshots(dir);
  if (!snapshots) return snapshots.status();
  for (std::size_t i = keep; i < snapshots->size(); ++i) {
    if (Status removed = remove_file((*snapshots)[i].second); !removed) return removed;
  }
  if (Status synced = sync_dir(dir); !synced) return synced;
  const std::size_t kept = std::min(keep, snapshots->size());
  return kept == 0 ? std::uint64_t{0} : (*snapshots)[kept - 1].first;
}

}  // namespace rollcall::persist
