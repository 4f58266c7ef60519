#include "cluster/label.h"

#include <algorithm>
#include <numeric>

#include "common/error.h"

namespace ns {

namespace {

// scipy's LinkageUnionFind: parents of 2n - 1 nodes; find() compresses the path it walked.
struct UnionFind {
  std::vector<int32_t> parent, size;
  int32_t next;
  explicit UnionFind(int64_t n) : parent(2 * n - 1), size(2 * n - 1, 1), next(static_cast<int32_t>(n)) {
    std::iota(parent.begin(), parent.end(), 0);
  }
  int32_t find(int32_t x) {
    int32_t root = x;
    while (parent[root] != root) root = parent[root];
    while (parent[x] != root) {
      const int32_t up = parent[x];
      parent[x] = root;
      x = up;
    }
    return root;
  }
  int32_t merge(int32_t x, int32_t y) {
    parent[x] = next;
    parent[y] = next;
    const int32_t s = size[x] + size[y];
    size[next++] = s;
    return s;
  }
};

}  // namespace

std::vector<double> label_merges(std::vector<Merge> merges, int64_t n) {
  if (static_cast<int64_t>(merges.size()) != n - 1) fail(Code::Internal, "label_merges: expected n - 1 merges");
  std::stable_sort(merges.begin(), merges.end(), [](const Merge& a, const Merge& b) { return a.height < b.height; });
  std::vector<double> Z(4 * (n - 1));
  UnionFind uf(n);
  for (int64_t i = 0; i < n - 1; ++i) {
    const int32_t ra = uf.find(merges[i].a), rb = uf.find(merges[i].b);
    if (ra == rb) fail(Code::Internal, "label_merges: a merge joins a cluster with itself");
    Z[4 * i + 0] = std::min(ra, rb);
    Z[4 * i + 1] = std::max(ra, rb);
    Z[4 * i + 2] = merges[i].height;
    Z[4 * i + 3] = uf.merge(ra, rb);
  }
  return Z;
}

}  // namespace ns
