/** The engines `neurosieve run` executes a plan on. */
export const ENGINES = ['local', 'bullmq', 'slurm'] as const;
export type Engine = (typeof ENGINES)[number];
