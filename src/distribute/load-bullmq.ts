/**
 * The BullMQ engine, loaded on demand: bullmq is an optional peer dependency (package.json), so `run --engine
 * bullmq` and `worker` name it when it is missing instead of failing on an unresolved import.
 */
import { missingPackageError, missingPackages } from '../core/optional-package.js';

export async function loadBullmqEngine(what: string): Promise<typeof import('./engine-bullmq.js')> {
  if (missingPackages(['bullmq']).length > 0) throw missingPackageError(['bullmq'], what);
  return import('./engine-bullmq.js');
}
