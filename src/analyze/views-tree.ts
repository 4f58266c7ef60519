/**
 * The whole-network linkage seen from the top (views-format.ts ViewDendrogram), and its leaf order. Z is scipy's
 * linkage matrix: row i merges nodes Z[i,0] and Z[i,1] (ids < n are neurons, n + j the node formed by row j) at
 * height Z[i,2] into a node of Z[i,3] neurons.
 */
import type { ViewDendrogram } from './views-format.js';
import type { Layer } from './held-data.js';

/** Neuron ids in the order a dendrogram draws its leaves (left child first, as scipy's leaves_list). */
export function leafOrder(Z: Float64Array, n: number): Int32Array {
  const order = new Int32Array(n);
  if (n === 1) return order;
  let filled = 0;
  const stack = [2 * n - 2];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node < n) order[filled++] = node;
    else {
      const row = node - n;
      // Right pushed first so that the left subtree is emitted first.
      stack.push(Z[row * 4 + 1]!, Z[row * 4]!);
    }
  }
  return order;
}

/**
 * The last `merges` merges of Z (scipy's truncate_mode='lastp' with p = merges + 1): the clusters that exist
 * just before them become leaves, numbered by their lowest neuron id.
 */
export function topMerges(Z: Float64Array, n: number, layers: Layer[], merges: number): ViewDendrogram {
  const m = Math.min(merges, n - 1);
  const below = n - 1 - m; // merges under the leaves
  // Each node's parent among the merges below the leaves; a neuron's leaf is its highest such ancestor.
  const parent = new Int32Array(2 * n - 1).fill(-1);
  for (let i = 0; i < below; i++) {
    parent[Z[i * 4]!] = n + i;
    parent[Z[i * 4 + 1]!] = n + i;
  }
  const rootOf = new Int32Array(2 * n - 1).fill(-1);
  const findRoot = (node: number): number => {
    const path: number[] = [];
    let v = node;
    while (rootOf[v] === -1 && parent[v] !== -1) {
      path.push(v);
      v = parent[v]!;
    }
    const root = rootOf[v] !== -1 ? rootOf[v]! : v;
    for (const p of path) rootOf[p] = root;
    rootOf[v] = root;
    return root;
  };
  const layerOfNeuron = new Int32Array(n);
  layers.forEach((l, li) => layerOfNeuron.fill(li, l.offset, l.offset + l.width));
  // Leaves keyed by root node, met in neuron id order: the first member met is the lowest id.
  const leafOfRoot = new Map<number, number>();
  const leaves: ViewDendrogram['leaves'] = [];
  for (let j = 0; j < n; j++) {
    const root = findRoot(j);
    let leaf = leafOfRoot.get(root);
    if (leaf === undefined) {
      leaf = leaves.length;
      leafOfRoot.set(root, leaf);
      leaves.push({ size: 0, first: j, perLayer: new Array<number>(layers.length).fill(0) });
    }
    leaves[leaf]!.size++;
    leaves[leaf]!.perLayer[layerOfNeuron[j]!]!++;
  }
  const nodeId = (z: number) => (z >= n + below ? leaves.length + (z - n - below) : leafOfRoot.get(z)!);
  const top: ViewDendrogram['merges'] = [];
  for (let i = below; i < n - 1; i++) top.push([nodeId(Z[i * 4]!), nodeId(Z[i * 4 + 1]!), Z[i * 4 + 2]!, Z[i * 4 + 3]!]);
  return { leaves, merges: top };
}
