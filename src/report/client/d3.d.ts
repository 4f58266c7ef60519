/**
 * The few d3 functions the report client calls. d3 is not bundled: the page inlines d3's own UMD build, which
 * defines the global the bundle reads (scripts/build-report-client.mjs), so only these names need types.
 */
declare module 'd3' {
  export function interpolateMagma(t: number): string;
  export function interpolateRdBu(t: number): string;
  export function interpolateViridis(t: number): string;
  export const schemeTableau10: readonly string[];
  export function color(specifier: string): { rgb(): { r: number; g: number; b: number } } | null;
}
