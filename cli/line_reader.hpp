// Reading NDJSON input a line at a time, through one growing buffer.
#pragma once

#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

namespace rollcall::cli {

class LineReader {
 public:
  explicit LineReader(std::FILE* file) : file_(file), buffer_(1 << 20) {}

  // The next line without its '\n'; false at the end of input.
  bool next(std::string_view& line) {
    for (;;) {
      const char* begin = buffer_.data() + start_;
      const char* newline = static_cast<const char*>(std::memchr(begin, '\n', end_ - start_));
      if (newline != nullptr) {
        line = std::string_view(begin, static_cast<std::size_t>(newline - begin));
        start_ += line.size() + 1;
        return true;
      }
      if (eof_) {
        if (start_ == end_) return false;
        line = std::string_view(begin, end_ - start_);
        start_ = end_;
        return true;
      }
      fill();
    }
  }

  bool failed() const { return std::ferror(file_) != 0; }

 private:
  void fill() {
    std::memmove(buffer_.data(), buffer_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a very long line
    const std::size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
    end_ += got;
    if (got == 0) eof_ = true;
  }

  std::FILE* file_;
  std::vector<char> buffer_;
  std::size_t start_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
};

inline bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace rollcall::cli
