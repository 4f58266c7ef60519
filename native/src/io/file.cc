#include "io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/error.h"

namespace ns {

File::File(const std::string& path) : path_(path) {
  do {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd_ < 0 && errno == EINTR);
  if (fd_ < 0) fail(Code::Io, path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    fail(Code::Io, path + ": cannot stat: " + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    fail(Code::Io, path + ": is a directory, not a file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

File::File(File&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
  }
  return *this;
}

size_t File::pread_some(void* buf, size_t n, uint64_t offset) const {
  auto* p = static_cast<unsigned char*>(buf);
  size_t done = 0;
  while (done < n) {
    // Linux caps a single read at about 2 GiB; keep each call well below.
    size_t want = n - done;
    if (want > (size_t(1) << 30)) want = size_t(1) << 30;
    ssize_t got = ::pread(fd_, p + done, want, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      fail(Code::Io, path_ + ": read error at byte " + std::to_string(offset + done) + ": " + std::strerror(errno));
    }
    if (got == 0) break;  // end of file
    done += static_cast<size_t>(got);
  }
  return done;
}

void File::pread_exact(void* buf, size_t n, uint64_t offset, const std::string& what) const {
  size_t got = pread_some(buf, n, offset);
  if (got != n)
    fail(Code::Format, path_ + ": truncated: " + what + " (wanted " + std::to_string(n) + " bytes at offset " +
                           std::to_string(offset) + ", found " + std::to_string(got) + ")");
}

}  // namespace ns
