#include "io/neurox_hdf5_source.h"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

#include "common/error.h"
#include "io/block_source.h"
#include "io/file.h"
#include "io/json.h"

namespace ns {
namespace {

// Debian's libhdf5 is the serial build, not the thread-safe one, and sources are opened and read on worker
// threads (several streams can run at once): every HDF5 call holds this lock. Reads are few and large (a
// hyperslab of up to kMaxReadBytes), so the lock costs nothing measurable.
std::mutex& hdf5_lock() {
  static std::mutex m;
  return m;
}

// HDF5 prints its error stack to stderr by default; we turn that off once and read the stack ourselves.
void quiet_hdf5_errors() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

// The innermost message of HDF5's error stack (the most specific one, e.g. "truncated file: eof = …"), then the
// stack is cleared. Empty when the stack is empty.
std::string hdf5_message() {
  std::string innermost;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* data) -> herr_t {
        if (n == 0 && e->desc) *static_cast<std::string*>(data) = e->desc;
        return 0;
      },
      &innermost);
  H5Eclear2(H5E_DEFAULT);
  return innermost;
}

// An HDF5 identifier closed by its own close function.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A sentence index written by NeuroX: str(i), so no leading zeros ("0", "17"; never "017").
bool sentence_name(const std::string& s, uint64_t* index) {
  if (!all_digits(s) || (s.size() > 1 && s[0] == '0') || s.size() > 18) return false;
  *index = std::stoull(s);
  return true;
}

// The on-disk element type of a sentence, as the dtypes our converters handle.
bool float_dtype(hid_t type, Dtype* out) {
  if (H5Tget_class(type) != H5T_FLOAT) return false;
  const size_t size = H5Tget_size(type);
  if (size == 4) *out = Dtype::F32;
  else if (size == 8) *out = Dtype::F64;
  else if (size == 2) {
    // h5py's float16 is IEEE binary16: sign bit 15, 5 exponent bits at 10 with bias 15, 10 mantissa bits.
    size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
    if (H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) < 0) return false;
    if (spos != 15 || epos != 10 || esize != 5 || mpos != 0 || msize != 10 || H5Tget_ebias(type) != 15) return false;
    *out = Dtype::F16;
  } else {
    return false;
  }
  return true;
}

std::string type_text(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return std::to_string(8 * H5Tget_size(type)) + "-bit integer";
    case H5T_FLOAT: return std::to_string(8 * H5Tget_size(type)) + "-bit float of a layout other than IEEE";
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    default: return "non-numeric";
  }
}

struct Sentence {
  std::string name;
  uint64_t tokens = 0;
};

class NeuroxHdf5Source : public Source {
 public:
  explicit NeuroxHdf5Source(const std::string& path) : path_(path) {
    // ns::File first: a missing or unreadable file gets the same E_IO message as every other reader, and an
    // empty or short one a clear "not an HDF5 file" before libhdf5 sees it.
    {
      File f(path);
      unsigned char head[8] = {};
      const size_t got = f.pread_some(head, sizeof head, 0);
      if (got == 0) fail(Code::Format, path + ": empty file (0 bytes), not an HDF5 file");
      if (got < 8 || std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) != 0)
        fail(Code::Format, path + ": not an HDF5 file (no HDF5 signature at byte 0)");
    }
    std::lock_guard<std::mutex> lock(hdf5_lock());
    quiet_hdf5_errors();
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    // Closing the file closes every object still open in it: no handle outlives a failed open.
    H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
    file_ = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
    if (!file_.ok()) {
      const std::string why = hdf5_message();
      fail(Code::Format, path + ": cannot open as HDF5 (" + (why.empty() ? "unknown reason" : why) +
                             "); the file is truncated or corrupt");
    }
    list_sentences();
    check_sentences();
    read_sentence_to_index();
  }

  const SourceInfo& info() const override { return info_; }
  int64_t position() const override { return pos_; }
  const std::vector<Sentence>& sentences() const { return sentences_; }
  size_t hidden() const { return hidden_; }

  size_t read(float* out, size_t max_rows, size_t ld) override {
    size_t done = 0;
    std::lock_guard<std::mutex> lock(hdf5_lock());
    while (done < max_rows && sentence_ < sentences_.size()) {
      const Sentence& s = sentences_[sentence_];
      if (token_ == s.tokens) {
        ++sentence_;
        token_ = 0;
        dataset_ = Handle();
        continue;
      }
      if (!dataset_.ok()) {
        dataset_ = Handle(H5Dopen2(file_.get(), s.name.c_str(), H5P_DEFAULT), H5Dclose);
        if (!dataset_.ok()) fail(Code::Format, where(s) + ": cannot open (" + hdf5_message() + ")");
      }
      // One hyperslab [all layers, k tokens, all neurons], k bounded so the buffer stays under kMaxReadBytes.
      const size_t row_bytes = layers_ * hidden_ * dtype_size(dtype_);
      const size_t cap = std::max<size_t>(1, BlockSource::kMaxReadBytes / row_bytes);
      const size_t k = static_cast<size_t>(std::min<uint64_t>({s.tokens - token_, max_rows - done, cap}));
      read_slab(s, k);
      for (size_t l = 0; l < layers_; ++l)
        for (size_t i = 0; i < k; ++i)
          convert_to_float(dtype_, buf_.data() + (l * k + i) * hidden_ * dtype_size(dtype_),
                           out + (done + i) * ld + l * hidden_, hidden_);
      token_ += k;
      done += k;
    }
    pos_ += static_cast<int64_t>(done);
    return done;
  }

 private:
  std::string where(const Sentence& s) const { return path_ + ": sentence \"" + s.name + "\""; }

  // Root members: "0" … "N−1" and sentence_to_index; anything else means this is not a NeuroX file.
  void list_sentences() {
    struct Listing {
      std::vector<std::pair<uint64_t, std::string>> sentences;
      std::vector<std::string> others;
      bool has_index = false;
    } listing;
    const herr_t rc = H5Literate(
        file_.get(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
        [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
          auto* l = static_cast<Listing*>(data);
          uint64_t i = 0;
          if (std::strcmp(name, "sentence_to_index") == 0) l->has_index = true;
          else if (sentence_name(name, &i)) l->sentences.emplace_back(i, name);
          else l->others.emplace_back(name);
          return 0;
        },
        &listing);
    if (rc < 0) fail(Code::Format, path_ + ": cannot list the file's datasets (" + hdf5_message() + ")");
    if (!listing.others.empty())
      fail(Code::Format, path_ + ": holds \"" + listing.others[0] +
                             "\", which is neither a sentence (\"0\" … \"N-1\") nor sentence_to_index: not a NeuroX "
                             "activations file");
    if (listing.sentences.empty())
      fail(Code::Empty, path_ + ": holds no sentences (no datasets \"0\" … \"N-1\"): not a NeuroX activations file");
    std::sort(listing.sentences.begin(), listing.sentences.end());
    for (size_t i = 0; i < listing.sentences.size(); ++i)
      if (listing.sentences[i].first != i)
        fail(Code::Format, path_ + ": sentence \"" + std::to_string(i) + "\" is missing (the file holds " +
                               std::to_string(listing.sentences.size()) + " sentences, up to \"" +
                               listing.sentences.back().second + "\")");
    for (auto& [i, name] : listing.sentences) sentences_.push_back({name, 0});
    has_index_ = listing.has_index;
  }

  // Every sentence: rank 3, float, the same layers, neurons and type as sentence "0". The data is not read.
  void check_sentences() {
    int64_t rows = 0;
    for (size_t i = 0; i < sentences_.size(); ++i) {
      Sentence& s = sentences_[i];
      Handle d(H5Dopen2(file_.get(), s.name.c_str(), H5P_DEFAULT), H5Dclose);
      if (!d.ok()) fail(Code::Format, where(s) + ": not a dataset (" + hdf5_message() + ")");
      Handle space(H5Dget_space(d.get()), H5Sclose);
      Handle type(H5Dget_type(d.get()), H5Tclose);
      const int rank = H5Sget_simple_extent_ndims(space.get());
      if (rank != 3) {
        std::string shape = "[";
        hsize_t dims[H5S_MAX_RANK];
        const int r = H5Sget_simple_extent_dims(space.get(), dims, nullptr);
        for (int j = 0; j < r; ++j) shape += (j ? ", " : "") + std::to_string(dims[j]);
        fail(Code::Shape, where(s) + ": has shape " + shape + "]; expected 3-D [layers, tokens, neurons]");
      }
      hsize_t dims[3];
      H5Sget_simple_extent_dims(space.get(), dims, nullptr);
      Dtype dt;
      if (!float_dtype(type.get(), &dt))
        fail(Code::Dtype, where(s) + ": holds " + type_text(type.get()) +
                              " values; expected float32, float16 or float64");
      if (i == 0) {
        layers_ = dims[0];
        hidden_ = dims[2];
        dtype_ = dt;
        if (layers_ == 0 || hidden_ == 0)
          fail(Code::Shape, where(s) + ": has shape [" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) +
                                ", " + std::to_string(dims[2]) + "]: no neurons");
      } else {
        if (dims[0] != layers_ || dims[2] != hidden_)
          fail(Code::Shape, where(s) + ": has " + std::to_string(dims[0]) + " layers of " + std::to_string(dims[2]) +
                                " neurons, but sentence \"0\" has " + std::to_string(layers_) + " of " +
                                std::to_string(hidden_) + " (every sentence must have the same width)");
        if (dt != dtype_)
          fail(Code::Dtype, where(s) + ": is " + dtype_name(dt) + ", but sentence \"0\" is " + dtype_name(dtype_));
      }
      s.tokens = dims[1];
      rows += static_cast<int64_t>(dims[1]);
    }
    info_.path = path_;
    info_.format = Format::NeuroxHdf5;
    info_.dtype = dtype_name(dtype_);
    info_.rows = rows;
    info_.cols = layers_ * hidden_;
    info_.layers = layers_;
  }

  // sentence_to_index, when present, must map to every sentence exactly once; NeuroX's loader reads the
  // sentences in its order, which for the extractor's files is "0" … "N−1" (insertion order), the order we read.
  void read_sentence_to_index() {
    if (!has_index_) return;
    const std::string what = path_ + ": sentence_to_index";
    Handle d(H5Dopen2(file_.get(), "sentence_to_index", H5P_DEFAULT), H5Dclose);
    if (!d.ok()) fail(Code::Format, what + ": not a dataset (" + hdf5_message() + ")");
    Handle type(H5Dget_type(d.get()), H5Tclose);
    Handle space(H5Dget_space(d.get()), H5Sclose);
    if (H5Tget_class(type.get()) != H5T_STRING || H5Sget_simple_extent_npoints(space.get()) != 1)
      fail(Code::Format, what + ": expected one JSON string (as NeuroX writes it)");
    std::string text;
    if (H5Tis_variable_str(type.get()) > 0) {
      Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mem.get(), H5T_VARIABLE);
      H5Tset_cset(mem.get(), H5Tget_cset(type.get()));  // h5py writes UTF-8; HDF5 converts no character sets
      char* p = nullptr;
      if (H5Dread(d.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0)
        fail(Code::Format, what + ": cannot read (" + hdf5_message() + ")");
      if (p) text = p;
      H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, &p);
    } else {
      std::vector<char> fixed(H5Tget_size(type.get()) + 1, '\0');
      if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, fixed.data()) < 0)
        fail(Code::Format, what + ": cannot read (" + hdf5_message() + ")");
      text = fixed.data();
    }
    const JsonValue root = parse_json(text, what + ": bad JSON");
    if (root.kind != JsonValue::Object) fail(Code::Format, what + ": expected a JSON object, found " + json_kind_name(root.kind));
    std::vector<char> seen(sentences_.size(), 0);
    for (const auto& [sentence, v] : root.members) {
      uint64_t i = 0;
      if (v.kind != JsonValue::String || !sentence_name(v.text, &i) || i >= sentences_.size())
        fail(Code::Format, what + ": maps a sentence to " + (v.kind == JsonValue::String ? "\"" + v.text + "\"" : json_kind_name(v.kind)) +
                               ", which names no sentence of the file (\"0\" … \"" + std::to_string(sentences_.size() - 1) + "\")");
      if (seen[i]++) fail(Code::Format, what + ": names sentence \"" + v.text + "\" twice");
    }
    if (root.members.size() != sentences_.size())
      fail(Code::Format, what + ": names " + std::to_string(root.members.size()) + " sentences, but the file holds " +
                             std::to_string(sentences_.size()));
  }

  void read_slab(const Sentence& s, size_t k) {
    const size_t esize = dtype_size(dtype_);
    buf_.resize(layers_ * k * hidden_ * esize);
    Handle fspace(H5Dget_space(dataset_.get()), H5Sclose);
    const hsize_t start[3] = {0, token_, 0};
    const hsize_t count[3] = {layers_, k, hidden_};
    Handle mspace(H5Screate_simple(3, count, nullptr), H5Sclose);
    // The memory type is the file's own little-endian layout: no conversion inside HDF5 (float16 has no native
    // HDF5 type); convert_to_float widens exactly as the .npy reader does.
    Handle mtype;
    if (dtype_ == Dtype::F16) {
      Handle ftype(H5Dget_type(dataset_.get()), H5Tclose);
      mtype = Handle(H5Tcopy(ftype.get()), H5Tclose);
      H5Tset_order(mtype.get(), H5T_ORDER_LE);
    } else {
      mtype = Handle(H5Tcopy(dtype_ == Dtype::F32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE), H5Tclose);
    }
    if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
        H5Dread(dataset_.get(), mtype.get(), mspace.get(), fspace.get(), H5P_DEFAULT, buf_.data()) < 0) {
      const std::string why = hdf5_message();
      fail(Code::Format, where(s) + ": cannot read tokens [" + std::to_string(token_) + ", " +
                             std::to_string(token_ + k) + ") (" + (why.empty() ? "unknown reason" : why) +
                             "); the file is truncated or corrupt");
    }
  }

  std::string path_;
  SourceInfo info_;
  Handle file_;
  Handle dataset_;  // the sentence being read
  std::vector<Sentence> sentences_;
  bool has_index_ = false;
  size_t layers_ = 0, hidden_ = 0;
  Dtype dtype_ = Dtype::F32;
  size_t sentence_ = 0;
  uint64_t token_ = 0;
  int64_t pos_ = 0;
  std::vector<unsigned char> buf_;
};

// decompose_layers output: each file one source; a read asks each for the same rows, written side by side.
class LayerJoinSource : public Source {
 public:
  LayerJoinSource(const std::string& group, std::vector<std::unique_ptr<NeuroxHdf5Source>> parts)
      : parts_(std::move(parts)) {
    const NeuroxHdf5Source& first = *parts_[0];
    info_ = first.info();
    info_.path = group;
    info_.cols = 0;
    info_.layers = 0;
    std::string names;
    for (const auto& p : parts_) {
      const SourceInfo& pi = p->info();
      if (p->sentences().size() != first.sentences().size())
        fail(Code::Shape, pi.path + ": holds " + std::to_string(p->sentences().size()) + " sentences, but " +
                              first.info().path + " holds " + std::to_string(first.sentences().size()) +
                              " (per-layer files of one extraction hold the same sentences)");
      for (size_t s = 0; s < first.sentences().size(); ++s)
        if (p->sentences()[s].tokens != first.sentences()[s].tokens)
          fail(Code::Shape, pi.path + ": sentence \"" + std::to_string(s) + "\" has " +
                                std::to_string(p->sentences()[s].tokens) + " tokens, but in " + first.info().path +
                                " it has " + std::to_string(first.sentences()[s].tokens));
      if (p->hidden() != first.hidden())
        fail(Code::Shape, pi.path + ": has " + std::to_string(p->hidden()) + " neurons per layer, but " +
                              first.info().path + " has " + std::to_string(first.hidden()));
      if (pi.dtype != first.info().dtype)
        fail(Code::Dtype, pi.path + ": is " + pi.dtype + ", but " + first.info().path + " is " + first.info().dtype);
      offsets_.push_back(info_.cols);
      info_.cols += pi.cols;
      info_.layers += pi.layers;
      info_.tensor_names.push_back(pi.path);
    }
  }
  const SourceInfo& info() const override { return info_; }
  int64_t position() const override { return pos_; }
  size_t read(float* out, size_t max_rows, size_t ld) override {
    const size_t n = parts_[0]->read(out, max_rows, ld);
    for (size_t i = 1; i < parts_.size(); ++i) {
      const size_t m = parts_[i]->read(out + offsets_[i], max_rows, ld);
      if (m != n)
        fail(Code::Format, parts_[i]->info().path + ": gave " + std::to_string(m) + " rows where " +
                               parts_[0]->info().path + " gave " + std::to_string(n) + "; did a file change while it was read?");
    }
    pos_ += static_cast<int64_t>(n);
    return n;
  }

 private:
  std::vector<std::unique_ptr<NeuroxHdf5Source>> parts_;
  std::vector<size_t> offsets_;
  SourceInfo info_;
  int64_t pos_ = 0;
};

}  // namespace

std::unique_ptr<Source> open_neurox_hdf5(const std::string& path) { return std::make_unique<NeuroxHdf5Source>(path); }

std::unique_ptr<Source> open_neurox_hdf5_layers(const std::string& group, const std::vector<std::string>& paths) {
  if (paths.empty()) fail(Code::Internal, "open_neurox_hdf5_layers: no files");
  std::vector<std::unique_ptr<NeuroxHdf5Source>> parts;
  for (const std::string& p : paths) parts.push_back(std::make_unique<NeuroxHdf5Source>(p));
  return std::make_unique<LayerJoinSource>(group, std::move(parts));
}

bool have_hdf5() { return true; }

}  // namespace ns
