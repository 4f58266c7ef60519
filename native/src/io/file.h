// A read-only file: RAII descriptor, its size, and positioned reads that retry on EINTR and short reads.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace ns {

class File {
 public:
  // Opens path for reading; throws ns::Error(E_IO) naming the path and the OS reason.
  explicit File(const std::string& path);
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }

  // Reads up to n bytes at offset; returns fewer only at the end of the file. Throws E_IO on a read error.
  size_t pread_some(void* buf, size_t n, uint64_t offset) const;
  // Reads exactly n bytes at offset; a short read throws E_FORMAT "<path>: truncated: <what>".
  void pread_exact(void* buf, size_t n, uint64_t offset, const std::string& what) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace ns
