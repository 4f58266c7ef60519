/**
 * The results document as the pages read it: read once from the page's JSON block, with the packed per-neuron
 * views decoded on first use (a neuron page needs them, the summary does not) and lookups the pages share.
 */
import type { AnalysisResults } from '../../analyze/results.js';
import type { ViewCut } from '../../analyze/views-format.js';
import type { Layer } from '../../analyze/held-data.js';
import { decode, type Decoded } from './packed.js';

export interface ClusterRef {
  cut: ViewCut;
  /** 1 … clusters. */
  cluster: number;
  members: number[];
  representative: number | undefined;
}

export class Model {
  readonly r: AnalysisResults;
  readonly D: number;
  private readonly cache = new Map<string, Decoded>();
  private readonly members = new Map<ViewCut, number[][]>();

  constructor(r: AnalysisResults) {
    this.r = r;
    this.D = r.data.neurons;
  }

  static fromPage(): Model {
    const el = document.getElementById('analysis');
    if (!el?.textContent) throw new Error('the page holds no analysis results');
    return new Model(JSON.parse(el.textContent) as AnalysisResults);
  }

  get views() {
    return this.r.views ?? {};
  }

  get layers(): Layer[] {
    return this.r.data.layers;
  }

  layerIndexOf(j: number): number {
    return this.layers.findIndex((l) => j >= l.offset && j < l.offset + l.width);
  }

  layerOf(j: number): Layer | undefined {
    return this.layers[this.layerIndexOf(j)];
  }

  /** A packed array decoded once, by a key naming where it sits in the views. */
  packed(key: string, get: () => Parameters<typeof decode>[0] | undefined): Decoded | undefined {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const p = get();
    if (!p) return undefined;
    const a = decode(p);
    this.cache.set(key, a);
    return a;
  }

  /** Members of every cluster of a cut, indexed by cluster − 1 (one pass over the labels, kept). */
  clustersOf(cut: ViewCut): number[][] {
    let groups = this.members.get(cut);
    if (groups) return groups;
    const labels = this.packed(`cut ${cut.threshold}`, () => cut.labels)!;
    groups = Array.from({ length: cut.kept.length }, () => []);
    for (let j = 0; j < labels.length; j++) (groups[labels[j]! - 1] ??= []).push(j);
    this.members.set(cut, groups);
    return groups;
  }

  cluster(cut: ViewCut, cluster: number): ClusterRef {
    return { cut, cluster, members: this.clustersOf(cut)[cluster - 1] ?? [], representative: cut.kept[cluster - 1] };
  }

  /** The cluster neuron j is in at each cut. */
  clustersOfNeuron(j: number): ClusterRef[] {
    return (this.views.cuts ?? []).map((cut) => {
      const labels = this.packed(`cut ${cut.threshold}`, () => cut.labels)!;
      return this.cluster(cut, labels[j]!);
    });
  }

  cutAt(threshold: number): ViewCut | undefined {
    return (this.views.cuts ?? []).find((c) => c.threshold === threshold || String(c.threshold) === String(threshold));
  }

  /** The classes whose concept neurons include j, with j's |w| and rank in that class's list. */
  conceptClassesOf(j: number): Array<{ cls: string; rank: number; weight: number }> {
    return Object.entries(this.r.concepts.perClass).flatMap(([cls, list]) => {
      const rank = list.findIndex((c) => c.neuron === j);
      return rank < 0 ? [] : [{ cls, rank: rank + 1, weight: list[rank]!.weight }];
    });
  }
}
