/**
 * onnxruntime-node, loaded on first use. Importing it loads a native library and takes tens of milliseconds, which
 * only `extract` needs: `neurosieve --help`, the other commands and `import 'neurosieve'` must not pay for it.
 */
import { NeurosieveError } from '../core/errors.js';
import { importOptional } from '../core/optional-package.js';

export type OnnxRuntime = typeof import('onnxruntime-node');

let loading: Promise<OnnxRuntime> | undefined;

export function onnxRuntime(): Promise<OnnxRuntime> {
  // An optional peer dependency (core/optional-package.ts): not installed → E_DEPENDENCY naming it.
  loading ??= importOptional<OnnxRuntime>('onnxruntime-node', 'running an ONNX model (extract)').catch((err: unknown) => {
    loading = undefined;
    if (err instanceof NeurosieveError) throw err;
    throw new NeurosieveError('E_MODEL', `onnxruntime-node cannot be loaded (${(err as Error).message})`, { cause: err });
  });
  return loading;
}
