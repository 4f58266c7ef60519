/**
 * Loading a model directory: the ONNX graph (run by onnxruntime-node on the CPU), tokenizer.json and config.json.
 * The graph convention is the bundled model's (models/tiny-code-mlm/MODEL_CARD.md): inputs `input_ids` and
 * `attention_mask` (int64 [batch, seq]); outputs `hidden_states` [L+1, batch, seq, H] (0 = embeddings) and,
 * optionally, `ffn_acts` [L, batch, seq, F]. A graph exporting only `last_hidden_state` [batch, seq, H] is read as
 * a single layer. onnxruntime-node itself is imported on the first load (onnxruntime.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { NeurosieveError } from '../core/errors.js';
import { onnxRuntime, type OnnxRuntime } from './onnxruntime.js';
import { SubwordTokenizer, type SpecialIds } from './tokenizer.js';

/** Which activations become columns: per-layer hidden states, FFN neurons, or both. */
export const LAYER_SETS = ['hidden', 'ffn', 'both'] as const;
export type LayerSet = (typeof LAYER_SETS)[number];

/** One group of columns in an output row: `width` neurons of one layer of one kind. */
export interface ColumnBlock {
  name: string;
  kind: 'hidden' | 'ffn';
  /** Layer index within its kind: hidden 0 = embeddings, ffn 1 = first encoder layer's FFN. */
  layer: number;
  offset: number;
  width: number;
}

export interface LoadedModel {
  dir: string;
  onnxPath: string;
  tokenizerPath: string;
  /**
   * @internal onnxruntime's session. Left out of the published declarations (tsconfig stripInternal): its type comes
   * from onnxruntime-node, an optional peer dependency, and the declarations must compile without it.
   */
  session: InferenceSession;
  tokenizer: SubwordTokenizer;
  /** Tokens per window including <s> and </s>. */
  maxLength: number;
  /** Output names to fetch, and how they map to row columns. */
  fetches: string[];
  blocks: ColumnBlock[];
  /** Row width: sum of block widths. */
  width: number;
  hiddenSize: number;
  ffnSize: number;
  config: Record<string, unknown>;
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NeurosieveError('E_MODEL', `${path}: cannot read (${(err as Error).message})`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new NeurosieveError('E_MODEL', `${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

/** `model` is a directory (model.onnx, else model.fp16.onnx, else its only *.onnx) or an .onnx file. */
export function resolveModelFiles(model: string): { dir: string; onnx: string; tokenizer: string; config?: string } {
  if (!existsSync(model)) throw new NeurosieveError('E_MODEL', `Expected a model directory or .onnx file for --model but received '${model}', which does not exist`);
  let dir: string;
  let onnx: string;
  if (statSync(model).isDirectory()) {
    dir = model;
    const onnxFiles = readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort();
    const pick = ['model.onnx', 'model.fp16.onnx'].find((f) => onnxFiles.includes(f)) ?? (onnxFiles.length === 1 ? onnxFiles[0] : undefined);
    if (!pick) {
      throw new NeurosieveError(
        'E_MODEL',
        `Expected model.onnx (or a single .onnx file) in ${dir} but received ${onnxFiles.length ? onnxFiles.join(', ') : 'no .onnx file'}`,
      );
    }
    onnx = join(dir, pick);
  } else {
    onnx = model;
    dir = dirname(model);
  }
  const tokenizer = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizer)) throw new NeurosieveError('E_MODEL', `Expected tokenizer.json next to ${basename(onnx)} in ${dir} but it is missing`);
  const config = join(dir, 'config.json');
  return { dir, onnx, tokenizer, config: existsSync(config) ? config : undefined };
}

export interface LoadModelOptions {
  layers: LayerSet;
  /** onnxruntime intra-op threads (0 = its default: all cores). */
  threads: number;
  /** Tokens per window including specials; default from config.json (max_position_embeddings − 2 for RoBERTa). */
  maxLength?: number;
}

/** Opens the graph in onnxruntime and checks its inputs are the two this extractor feeds. */
async function openSession(ort: OnnxRuntime, onnx: string, threads: number): Promise<InferenceSession> {
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnx, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new NeurosieveError('E_MODEL', `${onnx}: onnxruntime cannot load the model (${(err as Error).message})`, { cause: err });
  }
  for (const name of ['input_ids', 'attention_mask']) {
    if (!session.inputNames.includes(name)) {
      throw new NeurosieveError('E_MODEL', `Expected an input '${name}' in ${onnx} but received inputs ${session.inputNames.join(', ')}`);
    }
  }
  const extra = session.inputNames.filter((n) => n !== 'input_ids' && n !== 'attention_mask');
  if (extra.length) throw new NeurosieveError('E_MODEL', `${onnx}: unsupported model inputs ${extra.join(', ')} (expected only input_ids and attention_mask)`);
  return session;
}

/** The outputs to fetch for `layers`: the hidden states (stacked, or only the last) and/or the FFN activations. */
function chooseFetches(session: InferenceSession, onnx: string, layers: LayerSet): string[] {
  const outs = session.outputNames;
  const hiddenName = outs.includes('hidden_states') ? 'hidden_states' : outs.includes('last_hidden_state') ? 'last_hidden_state' : undefined;
  const hasFfn = outs.includes('ffn_acts');
  if (layers !== 'ffn' && !hiddenName) {
    throw new NeurosieveError('E_MODEL', `Expected an output 'hidden_states' or 'last_hidden_state' in ${onnx} but received ${outs.join(', ')}`);
  }
  if (layers !== 'hidden' && !hasFfn) {
    throw new NeurosieveError('E_MODEL', `Expected an output 'ffn_acts' for --layers ${layers} in ${onnx} but received ${outs.join(', ')}`);
  }
  const fetches: string[] = [];
  if (layers !== 'ffn') fetches.push(hiddenName!);
  if (layers !== 'hidden') fetches.push('ffn_acts');
  return fetches;
}

/** Tokens per window: the option, else config.json's position count. */
function windowLength(config: Record<string, unknown>, maxLength: number | undefined): number {
  if (maxLength === undefined) {
    const pos = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : undefined;
    // RoBERTa reserves positions 0 and 1 (padding_idx + 1 = 2 is the first real position).
    maxLength = pos === undefined ? 128 : config.model_type === 'roberta' ? pos - 2 : pos;
  }
  if (maxLength < 3) throw new NeurosieveError('E_ARGUMENT', `Expected a window of at least 3 tokens but received ${maxLength}`);
  return maxLength;
}

interface ColumnLayout {
  blocks: ColumnBlock[];
  width: number;
  hiddenSize: number;
  ffnSize: number;
}

/** Runs the graph once on a 3-token input, so the column layout comes from the graph itself. */
async function probeColumns(ort: OnnxRuntime, session: InferenceSession, onnx: string, special: SpecialIds, fetches: string[]): Promise<ColumnLayout> {
  const ids = BigInt64Array.from([special.cls, special.sep, special.sep].map(BigInt));
  let probe: InferenceSession.ReturnType;
  try {
    probe = await session.run(
      { input_ids: new ort.Tensor('int64', ids, [1, 3]), attention_mask: new ort.Tensor('int64', new BigInt64Array(3).fill(1n), [1, 3]) },
      fetches,
    );
  } catch (err) {
    throw new NeurosieveError('E_MODEL', `${onnx}: onnxruntime cannot run the model (${(err as Error).message})`, { cause: err });
  }
  const blocks: ColumnBlock[] = [];
  let offset = 0;
  let hiddenSize = 0;
  let ffnSize = 0;
  for (const name of fetches) {
    const dims = probe[name]!.dims;
    const stacked = dims.length === 4;
    if (!(stacked || (dims.length === 3 && name === 'last_hidden_state')) || probe[name]!.type !== 'float32') {
      throw new NeurosieveError('E_MODEL', `Expected output ${name} as float32 [layers, batch, seq, width] but received ${probe[name]!.type} [${dims.join(', ')}]`);
    }
    const layers = stacked ? dims[0]! : 1;
    const width = dims[dims.length - 1]!;
    const kind = name === 'ffn_acts' ? 'ffn' : 'hidden';
    if (kind === 'ffn') ffnSize = width;
    else hiddenSize = width;
    for (let l = 0; l < layers; l++) {
      // hidden_states[0] is the embedding output; ffn_acts[0] belongs to encoder layer 1.
      const layer = kind === 'ffn' ? l + 1 : name === 'last_hidden_state' ? -1 : l;
      blocks.push({ name: `${kind}_${layer < 0 ? 'last' : layer}`, kind, layer, offset, width });
      offset += width;
    }
  }
  return { blocks, width: offset, hiddenSize, ffnSize };
}

export async function loadModel(model: string, opts: LoadModelOptions): Promise<LoadedModel> {
  const files = resolveModelFiles(model);
  const config = (files.config ? readJson(files.config) : {}) as Record<string, unknown>;
  const padId = typeof config.pad_token_id === 'number' ? config.pad_token_id : undefined;
  const tokenizer = new SubwordTokenizer(readJson(files.tokenizer), files.tokenizer, padId);
  const ort = await onnxRuntime();
  const session = await openSession(ort, files.onnx, opts.threads);
  const fetches = chooseFetches(session, files.onnx, opts.layers);
  const maxLength = windowLength(config, opts.maxLength);
  const layout = await probeColumns(ort, session, files.onnx, tokenizer.special, fetches);
  return {
    dir: files.dir,
    onnxPath: files.onnx,
    tokenizerPath: files.tokenizer,
    session,
    tokenizer,
    maxLength,
    fetches,
    blocks: layout.blocks,
    width: layout.width,
    hiddenSize: layout.hiddenSize,
    ffnSize: layout.ffnSize,
    config,
  };
}
