/** Progress of `analyze`: which step runs and how many of its probes are done. */
export const ANALYZE_STEPS = ['load', 'correlate', 'oracle', 'layers', 'cc', 'lca', 'concepts', 'control', 'views'] as const;
export type AnalyzeStep = (typeof ANALYZE_STEPS)[number];

export interface AnalyzeProgress {
  step: AnalyzeStep;
  /** Units of the step done so far (probes; rows while loading). */
  done: number;
  /** Units of the step known so far (LCA searches stop early: their total is the grid's). */
  total: number;
  /** What is running, for a progress line ("δ_L 3%, t = 0.3: k = 99"). */
  detail?: string;
}

/** A progress callback that never throws into the pipeline (a failing UI must not kill an hour of work). */
export function safeProgress(onProgress: ((p: AnalyzeProgress) => void) | undefined): (p: AnalyzeProgress) => void {
  if (!onProgress) return () => {};
  return (p) => {
    try {
      onProgress(p);
    } catch {
      /* ignored: see above */
    }
  };
}
