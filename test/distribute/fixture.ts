/**
 * A small dataset for the distributed-run tests: planted structure (copies, sign flips, large offsets, constants)
 * in three files of three formats — a .npy and a safetensors file big enough to split into row ranges, and NeuroX
 * JSON lines (rows unknown until read: one shard) — plus references to compare a run's merged statistics with.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeStats, mergeStats } from '../../src/index.js';
import { writeTextAtomic } from '../../src/io/atomic.js';
import { makePlan, type Plan, type PlanOptions } from '../../src/distribute/plan.js';
import type { Stats } from '../../src/types.js';
import { neuroxJsonl, npyBytes, safetensorsBytes } from '../helpers/formats.js';
import { planted } from '../helpers/planted.js';

export const COLS = 24;
export const CHUNK_ROWS = 64;
export const FILE_ROWS = [700, 500, 90] as const;

export interface Fixture {
  root: string;
  /** Row-major float32 rows of every file, concatenated in file order. */
  x: Float32Array;
  rows: number;
  inputs: string[];
}

export function writeFixture(root: string, seed: number): Fixture {
  mkdirSync(join(root, 'acts'), { recursive: true });
  const rows = FILE_ROWS.reduce((a, b) => a + b, 0);
  const x = planted(rows, COLS, seed).x;
  const part = (k: number) => {
    const b = FILE_ROWS.slice(0, k).reduce((a, c) => a + c, 0);
    return x.subarray(b * COLS, (b + FILE_ROWS[k]!) * COLS);
  };
  writeFileSync(join(root, 'acts/a.npy'), npyBytes(part(0), [FILE_ROWS[0], COLS], 'float32'));
  writeFileSync(join(root, 'acts/b.safetensors'), safetensorsBytes([{ name: 'activations', shape: [FILE_ROWS[1], COLS], values: part(1), dtype: 'float32' }]));
  // JSON lines: 3 sentences of 30 tokens, one layer.
  const c = part(2);
  const sentences = [0, 1, 2].map((s) => Array.from({ length: 30 }, (_, t) => Array.from(c.subarray((s * 30 + t) * COLS, (s * 30 + t + 1) * COLS))));
  writeFileSync(join(root, 'acts/c.jsonl'), neuroxJsonl(sentences, 1));
  return { root, x, rows, inputs: ['acts/a.npy', 'acts/b.safetensors', 'acts/c.jsonl'].map((p) => join(root, p)) };
}

/** Plans the fixture (shards of ≤ 192 rows: 200 rounded down to chunks of 64; fan-in 3: a two-level merge tree) and writes plan.json. */
export function planFixture(f: Fixture, options: PlanOptions = {}, name = 'plan.json'): { plan: Plan; path: string } {
  const plan = makePlan(f.inputs, { root: f.root, output: join(f.root, 'merged.stats'), partials: join(f.root, 'partials'), shardRows: 200, fanIn: 3, chunkRows: CHUNK_ROWS, ...options });
  const path = join(f.root, name);
  writeTextAtomic(path, JSON.stringify(plan));
  return { plan, path };
}

/**
 * The plan's result computed without it: each shard's rows copied into a file of their own, its statistics by
 * computeStats (the one-machine pass, same chunk size), folded with mergeStats along the plan's tree. Equal bit
 * for bit to a run's output: same chunks, same merge order.
 */
export async function foldedReference(f: Fixture, plan: Plan, scratch: string): Promise<Stats> {
  mkdirSync(scratch, { recursive: true });
  const starts = [0, FILE_ROWS[0], FILE_ROWS[0] + FILE_ROWS[1]];
  const shardStats = await Promise.all(
    plan.shards.map(async (s) => {
      const file = plan.files[s.file]!;
      if (s.rowEnd < 0) return (await computeStats(join(f.root, file.path), { chunkRows: CHUNK_ROWS })).stats;
      const b = starts[s.file]! + s.rowBegin;
      const path = join(scratch, `shard-${s.id}.npy`);
      writeFileSync(path, npyBytes(f.x.subarray(b * COLS, (b + s.rows) * COLS), [s.rows, COLS], 'float32'));
      return (await computeStats(path, { chunkRows: CHUNK_ROWS })).stats;
    }),
  );
  const merged: Stats[] = [];
  for (const m of plan.merges) {
    const parts = m.inputs.map((i) => ('shard' in i ? shardStats[i.shard]! : merged[i.merge]!));
    merged.push(parts.slice(1).reduce((acc, p) => mergeStats(acc, p), parts[0]!));
  }
  return merged[merged.length - 1]!;
}
