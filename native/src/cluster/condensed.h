// Condensed distance matrices and the vocabulary shared by the linkage algorithms.
//
// A condensed matrix of n points holds the n(n-1)/2 distances d(i, j), i < j, row by row, exactly as scipy's
// squareform/pdist lay them out: (i, j) lives at n*i - i(i+1)/2 + (j - i - 1). Indices are 64-bit because at
// n = 50,000 there are 1.25e9 entries. The element type T is float (the product: half the memory of scipy) or
// double (verification: then every comparison and update is the one scipy makes, bit for bit).
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace ns {

inline int64_t condensed_size(int64_t n) { return n * (n - 1) / 2; }

// Offset of (i, j), i < j.
inline int64_t condensed_index(int64_t n, int64_t i, int64_t j) { return n * i - i * (i + 1) / 2 + (j - i - 1); }

// Offset of row i's first element, (i, i + 1): row i then runs contiguously up to (i, n - 1).
inline int64_t condensed_row(int64_t n, int64_t i) { return n * i - i * (i + 1) / 2; }

// scipy's method codes are different (0 single ... 6 weighted); ours only name the methods we implement.
enum class Method { Single, Complete, Average, Weighted, Ward };

// "single" | "complete" | "average" | "weighted" | "ward"; anything else throws ns::Error(E_ARGUMENT).
Method parse_method(const std::string& name);

// One merge as a linkage core finds it, before scipy's final relabelling (cluster/label.h): the two *slots*
// merged (a slot is the index of a point; after a merge the cluster lives on in slot b and slot a dies) and the
// merge height. Every core (NN-chain, MST, and a future GPU reciprocal-nearest-neighbour core) emits this list;
// label_merges() turns any of them into scipy's Z.
struct Merge {
  int32_t a;
  int32_t b;
  double height;
};

// Reports progress (merges done) and polls for cancellation; returns false to stop.
struct LinkageHooks {
  // Called about every 1/256 of the merges with the number done so far; may be empty.
  void (*progress)(void* ctx, int64_t done) = nullptr;
  void* ctx = nullptr;
  const std::atomic<bool>* cancel = nullptr;
};

}  // namespace ns
