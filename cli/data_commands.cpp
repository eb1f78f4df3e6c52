// rollcall import / export: NDJSON in and out of a data directory.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "line_reader.hpp"
#include "rollcall/index/directory.hpp"
#include "rollcall/index/json.hpp"

namespace rollcall::cli {
namespace {

using index::Directory;
using index::OrganizationMember;

constexpr std::size_t kProgressEvery = 100000;

constexpr const char* kImportHelp = R"(usage: rollcall import [--data-dir DIR] [FILE|-]

Adds the OrganizationMember records of FILE (or standard input), one JSON
object per line in the API's PascalCase encoding, to the data directory,
keeping every field (IDs, Version, CreatedAt, UpdatedAt). Blank lines are
skipped.

All or nothing: every line is decoded and checked first; a malformed line, a
missing OrganizationMemberID or an ID already imported (earlier in the file or
in DIR) stops the import with its line number on stderr before anything is
written. Then the records are written to the log (durable when the command
ends) and a snapshot is taken so that start-up is fast. Progress goes to
stderr every 100,000 lines.

The data directory is locked: the import refuses to run while a server (or
another import or export) holds it. The users (UserID, with the record's
Username, Email, ...) and organizations the records name are created if absent.

options:
  --data-dir DIR   the data directory (default ./rollcall-data; created if needed)
  -h, --help       this text

exit status: 0 imported; 1 a bad line, a duplicate ID, a locked data directory
or an I/O error (nothing is imported unless it was an I/O error while writing);
2 bad usage.
)";

constexpr const char* kExportHelp = R"(usage: rollcall export [--data-dir DIR] [FILE|-]

Writes every OrganizationMember of the data directory to FILE (or standard
output), one JSON object per line in the API's PascalCase encoding, ordered by
OrganizationID, CreatedAt and OrganizationMemberID. `rollcall import` reads it
back unchanged.

The data directory is locked while the export reads it: it refuses to run while
a server (or an import) holds it.

options:
  --data-dir DIR   the data directory (default ./rollcall-data)
  -h, --help       this text

exit status: 0 exported; 1 a locked or unreadable data directory or an I/O
error; 2 bad usage.
)";

struct DataOptions {
  std::string data_dir = "rollcall-data";
  std::string file = "-";
};

using FilePtr = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

int usage_error(const char* command, const std::string& message) {
  std::fprintf(stderr, "rollcall %s: %s\n(see rollcall %s --help)\n", command, message.c_str(),
               command);
  return 2;
}

// Returns -1 when parsing succeeded, else the exit code.
int parse_options(const char* command, const char* help, std::span<const std::string_view> args,
                  DataOptions& options) {
  bool has_file = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(help, stdout);
      return 0;
    }
    if (arg == "--data-dir") {
      if (i + 1 >= args.size()) return usage_error(command, "--data-dir needs a directory");
      options.data_dir = std::string(args[++i]);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usage_error(command, "unknown option '" + std::string(arg) + "'");
    } else if (has_file) {
      return usage_error(command, "only one file may be given");
    } else {
      options.file = std::string(arg);
      has_file = true;
    }
  }
  return -1;
}

// `stdio` for "-", else the named file opened with `mode`; null after an error.
FilePtr open_file(const char* command, const std::string& path, const char* mode,
                  std::FILE* stdio) {
  if (path == "-") return FilePtr(stdio, [](std::FILE*) { return 0; });
  FilePtr file(std::fopen(path.c_str(), mode), &std::fclose);
  if (!file) {
    std::fprintf(stderr, "rollcall %s: cannot open %s: %s\n", command, path.c_str(),
                 std::strerror(errno));
  }
  return file;
}

std::unique_ptr<Directory> open_store(const char* command, const std::string& dir) {
  auto opened = Directory::open(dir);
  if (!opened) {
    std::fprintf(stderr, "rollcall %s: %s\n", command, opened.status().message().c_str());
    return nullptr;
  }
  if (!(*opened)->recovery().clean()) {
    std::fprintf(stderr, "rollcall %s: recovery: %s\n", command,
                 (*opened)->recovery().message().c_str());
  }
  return std::move(*opened);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Batch {
  std::vector<OrganizationMember> records;
  std::vector<std::size_t> lines;  // the input line of each record
};

// Decodes every line; false (with the line number on stderr) at the first bad one.
bool read_records(std::FILE* in, Batch& batch) {
  LineReader reader(in);
  std::string_view line;
  std::size_t number = 0;
  OrganizationMember record;
  while (reader.next(line)) {
    if (++number % kProgressEvery == 0)
      std::fprintf(stderr, "rollcall import: read %zu lines\n", number);
    if (is_blank(line)) continue;
    std::string error = index::decode_json(line, record);
    if (error.empty() && record.organization_member_id == index::Uuid{}) {
      error = "OrganizationMemberID is missing";
    }
    if (!error.empty()) {
      std::fprintf(stderr, "rollcall import: line %zu: %s\n", number, error.c_str());
      return false;
    }
    batch.records.push_back(std::move(record));
    batch.lines.push_back(number);
  }
  if (reader.failed()) {
    std::fprintf(stderr, "rollcall import: read error: %s\n", std::strerror(errno));
    return false;
  }
  return true;
}

// False (naming the lines) when an ID repeats in the batch or is already stored.
bool check_ids(const Batch& batch, const Directory& store) {
  std::vector<std::pair<index::Uuid, std::size_t>> ids;  // (ID, position in batch)
  ids.reserve(batch.records.size());
  for (std::size_t i = 0; i < batch.records.size(); ++i) {
    const index::Uuid& id = batch.records[i].organization_member_id;
    if (store.members().find(id)) {
      std::fprintf(stderr, "rollcall import: line %zu: OrganizationMemberID %s already exists\n",
                   batch.lines[i], id.to_string().c_str());
      return false;
    }
    ids.emplace_back(id, i);
  }
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (ids[i].first != ids[i - 1].first) continue;
    std::fprintf(stderr, "rollcall import: line %zu: OrganizationMemberID %s is also on line %zu\n",
                 batch.lines[ids[i].second], ids[i].first.to_string().c_str(),
                 batch.lines[ids[i - 1].second]);
    return false;
  }
  return true;
}

bool write_records(Batch batch, Directory& store) {
  const std::size_t count = batch.records.size();
  const auto failed = store.import_members(std::move(batch.records), [](std::size_t n) {
    std::fprintf(stderr, "rollcall import: imported %zu records\n", n);
  });
  if (!failed) return true;
  const std::size_t line = failed->index < count ? batch.lines[failed->index] : batch.lines.back();
  std::fprintf(stderr, "rollcall import: line %zu: %s (the %zu records before it are imported)\n",
               line, failed->error.message.c_str(), failed->index);
  return false;
}

bool take_snapshot(const char* command, Directory& store) {
  auto snapshot = store.snapshot();
  if (snapshot) return true;
  std::fprintf(stderr, "rollcall %s: snapshot failed (the records are safe in the log): %s\n",
               command, snapshot.status().message().c_str());
  return false;
}

bool export_order(const index::MemberPtr& a, const index::MemberPtr& b) {
  return std::tie(a->organization_id, a->created_at, a->organization_member_id) <
         std::tie(b->organization_id, b->created_at, b->organization_member_id);
}

bool write_members(std::FILE* out, std::vector<index::MemberPtr> members) {
  std::sort(members.begin(), members.end(), export_order);
  std::string line;
  for (const index::MemberPtr& member : members) {
    line.clear();
    index::encode_json(*member, line);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) break;
  }
  if (std::fflush(out) == 0 && std::ferror(out) == 0) return true;
  std::fprintf(stderr, "rollcall export: write error: %s\n", std::strerror(errno));
  return false;
}

}  // namespace

int import_command(std::span<const std::string_view> args) {
  DataOptions options;
  if (const int code = parse_options("import", kImportHelp, args, options); code >= 0) return code;
  const auto start = std::chrono::steady_clock::now();
  FilePtr in = open_file("import", options.file, "rb", stdin);
  if (!in) return 1;
  auto store = open_store("import", options.data_dir);
  if (!store) return 1;
  Batch batch;
  if (!read_records(in.get(), batch) || !check_ids(batch, *store)) return 1;
  const std::size_t count = batch.records.size();
  if (!write_records(std::move(batch), *store) || !take_snapshot("import", *store)) return 1;
  std::fprintf(stderr, "rollcall import: imported %zu records into %s in %.1f s\n", count,
               options.data_dir.c_str(), seconds_since(start));
  return 0;
}

int export_command(std::span<const std::string_view> args) {
  DataOptions options;
  if (const int code = parse_options("export", kExportHelp, args, options); code >= 0) return code;
  if (std::error_code error; !std::filesystem::is_directory(options.data_dir, error)) {
    std::fprintf(stderr, "rollcall export: no data directory %s\n", options.data_dir.c_str());
    return 1;
  }
  auto store = open_store("export", options.data_dir);
  if (!store) return 1;
  FilePtr out = open_file("export", options.file, "wb", stdout);
  if (!out) return 1;
  return write_members(out.get(), store->members().all()) ? 0 : 1;
}

}  // namespace rollcall::cli
