#include "io/neurox_jsonl_source.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "io/file.h"

namespace ns {
namespace {

// Sequential buffered line reader over a File.
class LineReader {
 public:
  explicit LineReader(const File& file) : file_(file), buf_(size_t(1) << 20) {}

  // Next line without its '\n' (a trailing '\r' is left to the JSON whitespace rules); false at the end.
  bool next(std::string& line) {
    line.clear();
    bool any = false;
    while (true) {
      if (pos_ == len_) {
        if (eof_) return any;
        len_ = file_.pread_some(buf_.data(), buf_.size(), offset_);
        offset_ += len_;
        pos_ = 0;
        if (len_ == 0) {
          eof_ = true;
          return any;
        }
      }
      any = true;
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', len_ - pos_);
      if (nl) {
        const size_t k = static_cast<size_t>(static_cast<const char*>(nl) - start);
        line.append(start, k);
        pos_ += k + 1;
        return true;
      }
      line.append(start, len_ - pos_);
      pos_ = len_;
    }
  }

 private:
  const File& file_;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
};

struct LayerRef {
  int64_t index;
  size_t start, count;
};

class NeuroxJsonlSource : public Source {
 public:
  explicit NeuroxJsonlSource(File file) : file_(std::move(file)), reader_(file_) {
    info_.path = file_.path();
    info_.format = Format::NeuroxJsonl;
    info_.dtype = "float32";
    info_.rows = -1;
    if (!load_line()) {
      // No token anywhere in the file: nothing to learn, and we know there are no rows.
      info_.rows = 0;
      info_.cols = 0;
      info_.layers = 1;
    }
  }

  const SourceInfo& info() const override { return info_; }
  int64_t position() const override { return pos_; }

  size_t read(float* out, size_t max_rows, size_t ld) override {
    size_t n = 0;
    const size_t cols = info_.cols;
    while (n < max_rows) {
      if (cursor_ == tokens_) {
        if (!load_line()) break;
        continue;
      }
      const size_t k = std::min(max_rows - n, tokens_ - cursor_);
      for (size_t i = 0; i < k; ++i)
        std::memcpy(out + (n + i) * ld, rows_.data() + (cursor_ + i) * cols, cols * sizeof(float));
      cursor_ += k;
      n += k;
    }
    pos_ += static_cast<int64_t>(n);
    return n;
  }

 private:
  // ---- line handling ----
  bool load_line() {
    while (reader_.next(line_)) {
      ++line_no_;
      if (line_.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
      parse_line();
      if (tokens_ > 0) return true;
    }
    return false;
  }

  [[noreturn]] void error(const std::string& what) const {
    fail(Code::Format, info_.path + ":" + std::to_string(line_no_) + ": " + what + " (column " +
                           std::to_string(p_ - line_.data() + 1) + ")");
  }
  [[noreturn]] void shape_error(const std::string& what) const {
    fail(Code::Shape, info_.path + ":" + std::to_string(line_no_) + ": " + what);
  }

  void ws() {
    while (p_ < e_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  void expect(char c) {
    ws();
    if (p_ >= e_ || *p_ != c) {
      if (p_ >= e_) error(std::string("unexpected end of line, expected '") + c + "'");
      error(std::string("expected '") + c + "', found '" + *p_ + "'");
    }
    ++p_;
  }
  // After an element: true if another follows (consumed ','), false if the closing bracket was consumed.
  bool more(char close) {
    ws();
    if (p_ < e_ && *p_ == ',') {
      ++p_;
      return true;
    }
    if (p_ < e_ && *p_ == close) {
      ++p_;
      return false;
    }
    if (p_ >= e_) error(std::string("unexpected end of line, expected ',' or '") + close + "'");
    error(std::string("expected ',' or '") + close + "', found '" + *p_ + "'");
  }
  bool empty_container(char close) {
    ws();
    if (p_ < e_ && *p_ == close) {
      ++p_;
      return true;
    }
    return false;
  }
  bool match(const char* w) {
    const size_t n = std::strlen(w);
    if (static_cast<size_t>(e_ - p_) >= n && std::memcmp(p_, w, n) == 0) {
      p_ += n;
      return true;
    }
    return false;
  }

  // A string; returns its raw contents (escapes not decoded: keys we look for have none).
  std::string_view string() {
    ws();
    if (p_ >= e_ || *p_ != '"') error("expected a string");
    const char* s = ++p_;
    while (true) {
      if (p_ >= e_) error("unterminated string");
      if (*p_ == '\\') {
        p_ += 2;
        continue;
      }
      if (*p_ == '"') break;
      ++p_;
    }
    std::string_view v(s, static_cast<size_t>(p_ - s));
    ++p_;
    return v;
  }
  std::string_view key() {
    std::string_view k = string();
    expect(':');
    return k;
  }

  void skip_value(int depth) {
    if (depth > 64) error("JSON nested too deeply");
    ws();
    if (p_ >= e_) error("unexpected end of line, expected a value");
    const char c = *p_;
    if (c == '"') {
      string();
    } else if (c == '{') {
      ++p_;
      if (empty_container('}')) return;
      do {
        key();
        skip_value(depth + 1);
      } while (more('}'));
    } else if (c == '[') {
      ++p_;
      if (empty_container(']')) return;
      do skip_value(depth + 1);
      while (more(']'));
    } else if (match("true") || match("false") || match("null") || match("NaN") || match("Infinity") ||
               match("-Infinity")) {
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      number();
    } else {
      error(std::string("unexpected character '") + c + "'");
    }
  }

  float number() {
    ws();
    if (p_ >= e_) error("unexpected end of line, expected a number");
    if (match("NaN")) return std::numeric_limits<float>::quiet_NaN();
    if (match("Infinity")) return std::numeric_limits<float>::infinity();
    if (match("-Infinity")) return -std::numeric_limits<float>::infinity();
    const char c = *p_;
    if (!(c == '-' || (c >= '0' && c <= '9'))) error(std::string("expected a number, found '") + c + "'");
    double v = 0;
    const auto r = std::from_chars(p_, e_, v);
    if (r.ec == std::errc::invalid_argument) error("expected a number");
    if (r.ec == std::errc::result_out_of_range) {
      // Beyond double's range: an overflow is +-inf, an underflow is +-0 (as Python's float() would give).
      const std::string_view t(p_, static_cast<size_t>(r.ptr - p_));
      const size_t epos = t.find_first_of("eE");
      const bool neg_exp = epos != std::string_view::npos && epos + 1 < t.size() && t[epos + 1] == '-';
      v = neg_exp ? 0.0 : std::numeric_limits<double>::infinity();
      if (c == '-') v = -v;
    }
    p_ = r.ptr;
    return static_cast<float>(v);
  }

  int64_t integer() {
    ws();
    int64_t v = 0;
    const auto r = std::from_chars(p_, e_, v);
    if (r.ec != std::errc() || (r.ptr < e_ && (*r.ptr == '.' || *r.ptr == 'e' || *r.ptr == 'E')))
      error("\"index\" must be an integer");
    p_ = r.ptr;
    return v;
  }

  void parse_line() {
    p_ = line_.data();
    e_ = p_ + line_.size();
    if (e_ - p_ >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) p_ += 3;  // UTF-8 byte order mark
    rows_.clear();
    tokens_ = 0;
    cursor_ = 0;
    ws();
    if (p_ >= e_ || *p_ != '{') error("expected a JSON object ({\"features\": [...]}) on each line");
    ++p_;
    bool features = false;
    if (!empty_container('}')) {
      do {
        const std::string_view k = key();
        if (k == "features") {
          if (features) error("duplicate \"features\" key");
          features = true;
          parse_features();
        } else {
          skip_value(1);
        }
      } while (more('}'));
    }
    ws();
    if (p_ != e_) error("unexpected text after the JSON object");
    if (!features) error("the object has no \"features\" array");
  }

  void parse_features() {
    expect('[');
    if (empty_container(']')) return;
    do parse_token();
    while (more(']'));
  }

  void parse_token() {
    expect('{');
    layers_.clear();
    vals_.clear();
    bool have_layers = false;
    if (!empty_container('}')) {
      do {
        const std::string_view k = key();
        if (k == "layers") {
          if (have_layers) error("duplicate \"layers\" key in token " + std::to_string(tokens_));
          have_layers = true;
          parse_layers();
        } else {
          skip_value(2);
        }
      } while (more('}'));
    }
    if (!have_layers) error("token " + std::to_string(tokens_) + " has no \"layers\" array");
    finish_token();
  }

  void parse_layers() {
    expect('[');
    if (empty_container(']')) return;
    do {
      expect('{');
      LayerRef ref{static_cast<int64_t>(layers_.size()), vals_.size(), 0};
      bool have_index = false, have_values = false;
      if (!empty_container('}')) {
        do {
          const std::string_view k = key();
          if (k == "index") {
            if (have_index) error("duplicate \"index\" key");
            have_index = true;
            ref.index = integer();
          } else if (k == "values") {
            if (have_values) error("duplicate \"values\" key");
            have_values = true;
            ref.start = vals_.size();
            expect('[');
            if (!empty_container(']')) {
              do vals_.push_back(number());
              while (more(']'));
            }
            ref.count = vals_.size() - ref.start;
          } else {
            skip_value(3);
          }
        } while (more('}'));
      }
      if (!have_values)
        error("layer " + std::to_string(layers_.size()) + " of token " + std::to_string(tokens_) +
              " has no \"values\" array");
      layers_.push_back(ref);
    } while (more(']'));
  }

  void finish_token() {
    const size_t tok = tokens_;
    std::sort(layers_.begin(), layers_.end(), [](const LayerRef& a, const LayerRef& b) { return a.index < b.index; });
    for (size_t i = 1; i < layers_.size(); ++i)
      if (layers_[i].index == layers_[i - 1].index)
        error("token " + std::to_string(tok) + " lists layer index " + std::to_string(layers_[i].index) + " twice");
    if (!known_) {
      if (layers_.empty()) shape_error("token " + std::to_string(tok) + " has no layers");
      width_ = layers_[0].count;
      for (const LayerRef& l : layers_) {
        if (l.count != width_)
          shape_error("token " + std::to_string(tok) + ": layer " + std::to_string(l.index) + " has " +
                      std::to_string(l.count) + " values but layer " + std::to_string(layers_[0].index) + " has " +
                      std::to_string(width_) + " (all layers must have the same width)");
        indices_.push_back(l.index);
      }
      info_.layers = layers_.size();
      info_.cols = layers_.size() * width_;
      known_ = true;
    } else {
      if (layers_.size() != indices_.size())
        shape_error("token " + std::to_string(tok) + " has " + std::to_string(layers_.size()) + " layers, expected " +
                    std::to_string(indices_.size()) + " (as in the first token of the file)");
      for (size_t i = 0; i < layers_.size(); ++i) {
        if (layers_[i].index != indices_[i])
          shape_error("token " + std::to_string(tok) + " has layer index " + std::to_string(layers_[i].index) +
                      " where " + std::to_string(indices_[i]) + " was expected (as in the first token of the file)");
        if (layers_[i].count != width_)
          shape_error("token " + std::to_string(tok) + ": layer " + std::to_string(layers_[i].index) + " has " +
                      std::to_string(layers_[i].count) + " values, expected " + std::to_string(width_));
      }
    }
    for (const LayerRef& l : layers_)
      rows_.insert(rows_.end(), vals_.begin() + static_cast<ptrdiff_t>(l.start),
                   vals_.begin() + static_cast<ptrdiff_t>(l.start + l.count));
    ++tokens_;
  }

  File file_;
  LineReader reader_;
  SourceInfo info_;
  int64_t pos_ = 0;
  int64_t line_no_ = 0;
  std::string line_;
  const char* p_ = nullptr;
  const char* e_ = nullptr;
  // The current line's rows, tokens_ x cols, and the next one to deliver.
  std::vector<float> rows_;
  size_t tokens_ = 0, cursor_ = 0;
  // Scratch for the token being parsed.
  std::vector<LayerRef> layers_;
  std::vector<float> vals_;
  // Fixed by the first token of the file.
  bool known_ = false;
  std::vector<int64_t> indices_;
  size_t width_ = 0;
};

}  // namespace

std::unique_ptr<Source> open_neurox_jsonl(const std::string& path) {
  return std::make_unique<NeuroxJsonlSource>(File(path));
}

}  // namespace ns
