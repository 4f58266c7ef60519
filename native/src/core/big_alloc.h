// Zeroed, 64-byte-aligned allocations for big buffers (packed panels, co-moment matrices), backed by transparent
// huge pages where Linux allows it. Why: on this VM, first touching fresh memory costs ~10 us per 4 KiB page, so
// a fresh 400 MB C for D = 9984 cost ~1.2 s of page faults inside the kernel; with MADV_HUGEPAGE (THP is in
// "madvise" mode on Debian) that drops to ~0.5 s. Small buffers use aligned_alloc + memset.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ns {

constexpr size_t kBigAllocThreshold = size_t(4) << 20;

struct BigBuffer {
  void* ptr = nullptr;
  size_t bytes = 0;  // mapped length if mmap'ed, 0 if from aligned_alloc
};

// Throws std::bad_alloc on failure. Free with big_free.
inline BigBuffer big_alloc_zeroed(size_t bytes) {
  BigBuffer b;
#if defined(__linux__)
  if (bytes >= kBigAllocThreshold) {
    const size_t len = (bytes + (size_t(2) << 20) - 1) & ~((size_t(2) << 20) - 1);
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE);  // advisory: failure only means small pages
#endif
    b.ptr = p;
    b.bytes = len;
    return b;
  }
#endif
  const size_t n = bytes ? (bytes + 63) / 64 * 64 : 64;  // aligned_alloc wants a multiple of the alignment
  b.ptr = std::aligned_alloc(64, n);
  if (!b.ptr) throw std::bad_alloc();
  std::memset(b.ptr, 0, n);
  return b;
}

inline void big_free(BigBuffer b) {
  if (!b.ptr) return;
#if defined(__linux__)
  if (b.bytes) {
    munmap(b.ptr, b.bytes);
    return;
  }
#endif
  std::free(b.ptr);
}

// Owns a BigBuffer: frees it when destroyed unless release() handed it on. Move-only.
class BigOwned {
 public:
  BigOwned() = default;
  explicit BigOwned(BigBuffer b) : b_(b) {}
  BigOwned(BigOwned&& o) noexcept : b_(o.release()) {}
  BigOwned& operator=(BigOwned&& o) noexcept {
    if (this != &o) {
      big_free(b_);
      b_ = o.release();
    }
    return *this;
  }
  BigOwned(const BigOwned&) = delete;
  BigOwned& operator=(const BigOwned&) = delete;
  ~BigOwned() { big_free(b_); }

  template <class T = void>
  T* data() const { return static_cast<T*>(b_.ptr); }
  explicit operator bool() const { return b_.ptr != nullptr; }
  BigBuffer release() { return std::exchange(b_, BigBuffer{}); }

 private:
  BigBuffer b_;
};

}  // namespace ns
