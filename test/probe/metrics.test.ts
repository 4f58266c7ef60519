/**
 * Probe metrics (src/probe/metrics.ts) on cases worked out by hand below (and cross-checked once against
 * scikit-learn 1.2: accuracy_score, f1_score, matthews_corrcoef, precision_recall_fscore_support).
 */
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/probe/metrics.js';

describe('computeMetrics', () => {
  it('three classes: confusion matrix, accuracy, multiclass MCC, per-class scores, macro F1', () => {
    const y = [0, 0, 0, 1, 1, 2, 2, 2, 2, 1];
    const p = [0, 1, 0, 1, 2, 2, 2, 0, 2, 1];
    const m = computeMetrics(Int32Array.from(p), Int32Array.from(y), ['a', 'b', 'c']);
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 2, 1],
      [1, 0, 3],
    ]);
    expect(m.count).toBe(10);
    expect(m.accuracy).toBe(0.7);
    // s = 10, c = 7, true counts t = (3, 3, 4), predicted counts p = (3, 3, 4):
    // (7·10 − (9 + 9 + 16)) / sqrt((100 − 34)(100 − 34)) = 36 / 66
    expect(m.mcc).toBeCloseTo(36 / 66, 15);
    expect(m.f1).toBeNull(); // binary F1 is defined for two classes only
    // class a: tp 2, fp 1, fn 1 -> P = R = F1 = 2/3; b: tp 2, fp 1, fn 1; c: tp 3, fp 1, fn 1 -> 3/4
    expect(m.perClass.a!.precision).toBeCloseTo(2 / 3, 15);
    expect(m.perClass.b!.recall).toBeCloseTo(2 / 3, 15);
    expect(m.perClass.c).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
    expect(m.macroF1).toBeCloseTo((2 / 3 + 2 / 3 + 3 / 4) / 3, 15);
  });

  it('binary: F1 of class 1 and MCC', () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0];
    const p = [1, 1, 0, 1, 0, 0, 1, 1];
    const m = computeMetrics(p, y, ['neg', 'pos']);
    // class 1: tp 3 (rows 0, 3, 6), fp 2 (rows 1, 7), fn 1 (row 2) -> 2·3 / (6 + 2 + 1)
    expect(m.f1).toBeCloseTo(6 / 9, 15);
    // correct 5 of 8, t = (4, 4), p = (3, 5): (5·8 − (12 + 20)) / sqrt((64 − 34)(64 − 32)) = 8 / sqrt(960)
    expect(m.mcc).toBeCloseTo(8 / Math.sqrt(960), 15);
    expect(m.accuracy).toBe(5 / 8);
    expect(m.perClass.pos).toEqual({ precision: 3 / 5, recall: 3 / 4, f1: 6 / 9, support: 4 });
  });

  it('degenerate cases give 0, not NaN (sklearn zero_division = 0)', () => {
    const m = computeMetrics([0, 0, 0, 0], [0, 0, 1, 1], ['x', 'y']);
    expect(m.mcc).toBe(0); // one predicted class: denominator 0
    expect(m.f1).toBe(0); // no positive predicted: 0/0 precision
    expect(m.perClass.y).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    // all predicted as class 0 of three: macro over the classes present in labels or predictions
    const m3 = computeMetrics(new Array(10).fill(0), [0, 0, 0, 1, 1, 2, 2, 2, 2, 1], ['a', 'b', 'c']);
    expect(m3.macroF1).toBeCloseTo(6 / 13 / 3, 15);
    // a class absent from both labels and predictions does not dilute the macro F1
    const m4 = computeMetrics([0, 1, 1], [0, 1, 0], ['a', 'b', 'unused']);
    expect(m4.macroF1).toBeCloseTo((2 / 3 + 2 / 3) / 2, 15);
    expect(m4.perClass.unused!.support).toBe(0);
  });

  it('perfect predictions: every score is 1', () => {
    const y = [0, 1, 2, 1, 0];
    const m = computeMetrics(y, y, ['a', 'b', 'c']);
    expect([m.accuracy, m.mcc, m.macroF1]).toEqual([1, 1, 1]);
  });

  it('rejects mismatched lengths and ids outside the classes', () => {
    expect(() => computeMetrics([0, 1], [0], ['a', 'b'])).toThrow('Expected as many predictions as labels but received 2 predictions for 1 labels');
    expect(() => computeMetrics([0, 2], [0, 1], ['a', 'b'])).toThrow('Expected class ids in [0, 1] for predictions but received 2 at row 1');
    expect(() => computeMetrics([0, 1], [0, 1.5], ['a', 'b'])).toThrow('Expected class ids in [0, 1] for labels but received 1.5 at row 1');
    expect(() => computeMetrics([], [], ['a', 'b'])).toThrow('Expected at least one prediction but received none');
  });
});
