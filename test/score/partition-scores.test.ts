/**
 * ARI and NMI against scikit-learn's on the same labels (test/fixtures/score/sklearn-partitions.json, made by
 * tools/make-score-fixtures.py with Debian's python3-sklearn 1.2), and every score on small cases computed by hand.
 *
 * Tolerance: 1e-12 absolute for ARI and NMI. Both are ratios of sums of at most ~10⁶ terms of O(1) (pair counts are
 * exact integers below 2⁵³, the logs of counts ≤ 1000); sklearn sums in another order, so the two agree to a few
 * ulps of the sums, ~1e-15 relative. The pair confusion counts must be equal exactly.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adjustedRandIndex, contingency, countOutcomes, groupOutcomes, normalizedMutualInformation, pairCounts, partitionScores } from '../../src/score/partition-scores.js';
import { root } from '../helpers/cli.js';

interface Case {
  name: string;
  truth: number[];
  pred: number[];
  ari: number;
  nmi: number;
  pairConfusion: [[number, number], [number, number]];
}

const fixture = JSON.parse(readFileSync(join(root, 'test/fixtures/score/sklearn-partitions.json'), 'utf8')) as { cases: Case[] };

describe('ARI and NMI equal scikit-learn’s', () => {
  it('has the fixture cases (planted groups split, merged, relabelled; random; edge cases)', () => {
    expect(fixture.cases.length).toBeGreaterThan(30);
  });
  for (const c of fixture.cases) {
    it(c.name, () => {
      const t = contingency(c.truth, c.pred);
      expect(Math.abs(adjustedRandIndex(t) - c.ari)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(normalizedMutualInformation(t) - c.nmi)).toBeLessThanOrEqual(1e-12);
      // sklearn's ordered pair counts are twice our unordered ones: tp = both, fp = predicted − both, …
      const p = pairCounts(t);
      const [[tn, fp], [fn, tp]] = c.pairConfusion;
      expect(2 * p.both).toBe(tp);
      expect(2 * (p.predicted - p.both)).toBe(fp);
      expect(2 * (p.redundant - p.both)).toBe(fn);
      expect(2 * (p.total - p.predicted - p.redundant + p.both)).toBe(tn);
    });
  }
});

describe('scores computed by hand', () => {
  it('truth {0,1}{2,3} against prediction {0,1,2}{3}', () => {
    const s = partitionScores([0, 0, 1, 1], [0, 0, 0, 1]);
    // pairs: redundant {01, 23}; predicted {01, 02, 12}; both {01}
    expect(s.pairs).toEqual({ both: 1, predicted: 3, redundant: 2, total: 6 });
    expect(s.pairPrecision).toBeCloseTo(1 / 3, 15);
    expect(s.pairRecall).toBe(0.5);
    // Hubert–Arabie: index 1, expected 2·3/6 = 1, max (2 + 3)/2: ARI = 0
    expect(s.ari).toBe(0);
    // MI = ½ ln(4/3) + ¼ ln(2/3) + ¼ ln 2; H(T) = ln 2; H(P) = −(¾ ln ¾ + ¼ ln ¼)
    const mi = 0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) + 0.25 * Math.log(2);
    const hp = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    expect(s.nmi).toBeCloseTo(mi / ((Math.log(2) + hp) / 2), 14);
    expect(s.clusters).toBe(2);
    expect(s.trueClusters).toBe(2);
  });

  it('identical partitions score 1; any relabelling of the clusters too', () => {
    const s = partitionScores([0, 0, 1, 1, 2, 3], [7, 7, -1, -1, 100, 5]);
    expect(s.ari).toBe(1);
    expect(s.nmi).toBeCloseTo(1, 15);
    expect(s.pairPrecision).toBe(1);
    expect(s.pairRecall).toBe(1);
  });

  it('the edge cases as sklearn defines them', () => {
    expect(partitionScores([0, 1, 2], [0, 1, 2]).ari).toBe(1); // both all singletons: fn = fp = 0
    expect(partitionScores([0, 1, 2], [0, 1, 2]).pairPrecision).toBeNull(); // no predicted pair
    expect(partitionScores([4, 4, 4], [1, 1, 1]).nmi).toBe(1); // one cluster each
    expect(partitionScores([0, 1, 2], [0, 0, 0]).nmi).toBe(0); // I = 0
    expect(partitionScores([0, 1, 2], [0, 0, 0]).ari).toBe(0);
  });

  it('group outcomes: exact, split, merged, split and merged', () => {
    // groups A = {0,1}, B = {2,3}, C = {4,5}, D = {6,7}; 8, 9 alone in the truth
    const groups = [[0, 1], [2, 3], [4, 5], [6, 7]];
    //            A exact   B split     C merged with 8   D split, one part with 9
    const pred = [1, 1, 2, 3, 4, 4, 5, 6, 4, 6];
    const o = groupOutcomes(groups, pred);
    expect(o).toEqual(['exact', 'split', 'merged', 'splitMerged']);
    expect(countOutcomes(o)).toEqual({ exact: 1, split: 1, merged: 1, splitMerged: 1 });
  });
});
