/** Defaults of the edge path, apart from its code so that the CLI's help loads none of it. */
export const EDGES_DEFAULTS = { bins: 100 } as const;
/**
 * τ = 1 − maxCut − EDGE_MARGIN when only the cut is given. τ = 1 − maxCut already makes single and complete
 * linkage exact; the margin keeps the pairs average linkage most often needs (those a little beyond the cut,
 * which pull a cluster pair's mean up) in the file, so fewer of its decisions need a pass over the data.
 */
export const EDGE_MARGIN = 0.1;
