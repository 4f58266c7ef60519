/**
 * Labels (src/probe/labels.ts) in the three formats — JSON (ints, strings, { labels, classes }), integer .npy
 * of every dtype, NeuroX .label text — their class order, mapping onto a given class list, and bad input.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { labelsFromArray, readLabels } from '../../src/probe/labels.js';
import { scratchDir } from '../helpers/tmp.js';

const { dir, file } = scratchDir('labels');

/** A 1-D .npy with the given descr and raw little/big-endian data. */
function npy(descr: string, data: Buffer, shape = `(${data.length},)`): Buffer {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
  return Buffer.concat([pre, Buffer.from(dict, 'latin1'), data]);
}

describe('readLabels', () => {
  it('JSON integers: classes sorted numerically, ids are positions (0..C−1 keep their values)', () => {
    const a = readLabels(file('a.json', '[2, 0, 1, 1, 0]'));
    expect(Array.from(a.ids)).toEqual([2, 0, 1, 1, 0]);
    expect(a.classes).toEqual(['0', '1', '2']);
    expect(a.counts).toEqual([2, 2, 1]);
    const b = readLabels(file('b.json', '[10, -3, 7, 10]'));
    expect(b.classes).toEqual(['-3', '7', '10']); // numeric, not string, order
    expect(Array.from(b.ids)).toEqual([2, 0, 1, 2]);
  });

  it('JSON strings and NeuroX .label text: classes sorted by code point, as Python sorted()', () => {
    const j = readLabels(file('s.json', JSON.stringify(['NN', 'DT', 'VB', 'NN', 'b', 'Ä'])));
    expect(j.classes).toEqual(['DT', 'NN', 'VB', 'b', 'Ä']);
    expect(Array.from(j.ids)).toEqual([1, 0, 2, 1, 3, 4]);
    const t = readLabels(file('x.label', 'DT NN  VB\n\nNN\tNAME \r\n  OP\n'), { rows: 6 });
    expect(t.classes).toEqual(['DT', 'NAME', 'NN', 'OP', 'VB']);
    expect(Array.from(t.ids)).toEqual([0, 2, 4, 2, 1, 3]);
  });

  it('JSON object: ids into "classes" or names, keeping the given class order', () => {
    const a = readLabels(file('o.json', JSON.stringify({ labels: [1, 1, 0, 2], classes: ['zeta', 'alpha', 'mid'] })));
    expect(a.classes).toEqual(['zeta', 'alpha', 'mid']);
    expect(Array.from(a.ids)).toEqual([1, 1, 0, 2]);
    const b = readLabels(file('o2.json', JSON.stringify({ labels: ['mid', 'zeta'], classes: ['zeta', 'alpha', 'mid'] })));
    expect(Array.from(b.ids)).toEqual([2, 0]);
    expect(b.counts).toEqual([1, 0, 1]);
    const c = readLabels(file('o3.json', JSON.stringify({ labels: ['y', 'x'] })));
    expect(c.classes).toEqual(['x', 'y']);
  });

  it('.npy of every integer dtype and byte order; a column vector [n, 1] too', () => {
    const vals = [3, 1, 3, 0, 1];
    const enc = (size: number, w: (b: Buffer, v: number, o: number) => void) => {
      const b = Buffer.alloc(vals.length * size);
      vals.forEach((v, i) => w(b, v, i * size));
      return b;
    };
    const cases: [string, Buffer][] = [
      ['|i1', enc(1, (b, v, o) => b.writeInt8(v, o))],
      ['|u1', enc(1, (b, v, o) => b.writeUInt8(v, o))],
      ['<i2', enc(2, (b, v, o) => b.writeInt16LE(v, o))],
      ['>u2', enc(2, (b, v, o) => b.writeUInt16BE(v, o))],
      ['<i4', enc(4, (b, v, o) => b.writeInt32LE(v, o))],
      ['>i4', enc(4, (b, v, o) => b.writeInt32BE(v, o))],
      ['<u4', enc(4, (b, v, o) => b.writeUInt32LE(v, o))],
      ['<i8', enc(8, (b, v, o) => b.writeBigInt64LE(BigInt(v), o))],
      ['<u8', enc(8, (b, v, o) => b.writeBigUInt64LE(BigInt(v), o))],
    ];
    for (const [descr, data] of cases) {
      const l = readLabels(file(`l${descr.replace(/[<>|]/, '_')}.npy`, npy(descr, data, `(${vals.length},)`)), { rows: 5 });
      expect(l.classes, descr).toEqual(['0', '1', '3']);
      expect(Array.from(l.ids), descr).toEqual([2, 1, 2, 0, 1]);
    }
    const col = readLabels(file('col.npy', npy('<i4', cases[4]![1], '(5, 1)')));
    expect(Array.from(col.ids)).toEqual([2, 1, 2, 0, 1]);
  });

  it('maps onto a given class list (a probe\'s), with unseen labels an error or mapped to `unknown`', () => {
    const p = file('test.label', 'DT NN\nXX NN\n');
    const classes = ['DT', 'NN', 'VB'];
    expect(() => readLabels(p, { classes })).toThrow(
      `${p}: label 2 is "XX", which is not one of the 3 known classes (DT, NN, VB); pass unknown: <class> (CLI --unknown) to map unseen labels to a class`,
    );
    const m = readLabels(p, { classes, unknown: 'NN' });
    expect(m.classes).toEqual(classes);
    expect(Array.from(m.ids)).toEqual([0, 1, 1, 1]);
    expect(() => readLabels(p, { classes, unknown: 'ZZ' })).toThrow("Expected one of the classes for unknown but received 'ZZ'");
  });

  it('bad input: count ≠ rows, one class, non-integer ids, mixed types, float .npy, 2-D .npy, unreadable', () => {
    const p = file('c.json', '[0, 1, 1]');
    expect(() => readLabels(p, { rows: 4 })).toThrow(`${p}: holds 3 labels but the activations have 4 rows; labels must be aligned one per row`);
    try {
      readLabels(p, { rows: 4 });
    } catch (e) {
      expect((e as { code: string }).code).toBe('E_SHAPE');
    }
    const one = file('one.label', 'A A\nA\n');
    expect(() => readLabels(one)).toThrow(`${one}: all 3 labels are "A": a probe needs at least 2 classes`);
    expect(readLabels(one, { allowSingleClass: true }).classes).toEqual(['A']);
    const f = file('f.json', '[0, 1.5, 1]');
    expect(() => readLabels(f)).toThrow(`${f}: label 1 is 1.5, not an integer class id`);
    const mixed = file('m.json', '["a", 1]');
    expect(() => readLabels(mixed)).toThrow(`${mixed}: labels mixes strings and other values (entry 1 is 1)`);
    const out = file('out.json', JSON.stringify({ labels: [0, 3], classes: ['a', 'b'] }));
    expect(() => readLabels(out)).toThrow(`${out}: label 1 is 3, outside [0, 1] of "classes"`);
    const fl = file('fl.npy', npy('<f4', Buffer.alloc(8), '(2,)'));
    expect(() => readLabels(fl)).toThrow(`${fl}: labels must have an integer dtype (int8/16/32/64 or uint8/16/32/64) but the file holds '<f4'`);
    const twoD = file('2d.npy', npy('<i4', Buffer.alloc(16), '(2, 2)'));
    expect(() => readLabels(twoD)).toThrow(`${twoD}: labels must be a 1-D array (one per row) but the file has shape (2, 2)`);
    expect(() => readLabels(join(dir, 'missing.json'))).toThrow(/missing.json: cannot read labels/);
    const empty = file('e.label', '\n\n');
    expect(() => readLabels(empty)).toThrow(`${empty}: holds no labels`);
    const notJson = file('n.json', '{"labels": 3}');
    expect(() => readLabels(notJson)).toThrow(`${notJson}: expected a JSON array of labels or an object { "labels": [...], "classes": [...] }`);
  });

  it('labelsFromArray applies the same rules to in-memory labels', () => {
    expect(labelsFromArray(['b', 'a', 'b']).classes).toEqual(['a', 'b']);
    expect(Array.from(labelsFromArray(Int32Array.from([5, 7, 5])).ids)).toEqual([0, 1, 0]);
    expect(() => labelsFromArray([1, 1])).toThrow('(labels array): all 2 labels are "1": a probe needs at least 2 classes');
  });
});
