/** neurosieve score: a clustering, a selection or a ranking against a synth truth file (src/score/score.ts). */
import { NeurosieveError } from '../core/errors.js';
import { writeTextAtomic } from '../io/atomic.js';
import { checkOutputs } from '../io/output-paths.js';
import { readRankingIds } from '../rank/ranking-file.js';
import { readClustering } from '../score/clustering-input.js';
import type { CorrelationFrom } from '../score/redundancy-left.js';
import { clusteringJson, clusteringLine, SCORE_FORMAT, SCORE_VERSION, selectionJson } from '../score/score-document.js';
import { readTruth } from '../score/truth.js';
import { scoreClustering, scoreRanking, scoreSelection } from '../score/score.js';
import type { TruthLevel } from '../score/truth.js';
import type { Command } from './command.js';
import { resolveNeurons, selectorFiles } from './options.js';
import { scoreSpec as spec } from './specs/score.js';

export const scoreCommand: Command = {
  spec,
  async run(ctx) {
    const o = ctx.options;
    const truthPath = ctx.positionals[0]!;
    const clusters = (o.clusters as string[] | undefined) ?? [];
    const ranking = o.ranking as string | undefined;
    const corr = o.corr as string | undefined;
    const activations = o.activations as string[] | undefined;
    const output = o.output as string | undefined;
    const level = o.level as TruthLevel;
    const threads = o.threads as number;
    if (clusters.length === 0 && o.selection === undefined && ranking === undefined) {
      throw new NeurosieveError('E_ARGUMENT', "Expected --clusters, --selection or --ranking for 'neurosieve score' but received none of them");
    }
    if (corr !== undefined && activations !== undefined) {
      throw new NeurosieveError('E_ARGUMENT', "Expected one of --corr and --activations for 'neurosieve score' but received both");
    }
    const inputs = [truthPath, ...clusters, ...(ranking ? [ranking] : []), ...(corr ? [corr] : []), ...(activations ?? []), ...selectorFiles(ctx, 'selection')];
    checkOutputs({ command: 'neurosieve score', outputs: { '-o': output }, inputs });
    const truth = readTruth(truthPath);
    const correlation: CorrelationFrom | undefined = corr ?? (activations ? { activations } : undefined);
    const selection = resolveNeurons(ctx, 'selection', truth.neurons);
    const rankingIds = ranking ? readRankingIds(ranking) : undefined;
    if (rankingIds && !rankingIds.ordering) throw new NeurosieveError('E_ARGUMENT', `Expected a ranking with an "ordering" for --ranking but ${ranking} holds a selection: pass it to --selection`);
    const ks = o.k as number[] | undefined;

    const doc: Record<string, unknown> = { format: SCORE_FORMAT, version: SCORE_VERSION, truth: truthPath, level };
    const clusterings = [];
    for (const file of clusters) {
      const c = readClustering(file);
      ctx.log(`${file}:`);
      const cuts = [];
      for (const [i, cut] of c.cuts.entries()) {
        let score;
        try {
          score = scoreClustering(truth, cut.labels, { level, ...(c.columns ? { columns: c.columns } : {}) });
        } catch (err) {
          if (err instanceof NeurosieveError && err.code === 'E_ARGUMENT') throw new NeurosieveError('E_ARGUMENT', `${file}, cut ${i}: ${err.message}`, { cause: err });
          throw err;
        }
        const kept = cut.kept ? await scoreSelection(truth, cut.kept, { level, threads, ...(correlation ? { correlation } : {}) }) : undefined;
        const label = cut.threshold !== null ? `  t = ${cut.threshold}: ` : '  ';
        ctx.log(clusteringLine(label, score, kept));
        cuts.push({ threshold: cut.threshold, ...clusteringJson(score), ...(kept && cut.kept ? { kept: selectionJson(kept, cut.kept) } : {}) });
      }
      clusterings.push({ file, ...(c.columns ? { columns: c.columns.length } : {}), cuts });
    }
    if (clusterings.length > 0) doc.clusterings = clusterings;
    if (selection) {
      const s = await scoreSelection(truth, selection, { level, threads, ...(correlation ? { correlation } : {}) });
      const left = s.redundancyLeft ? `, redundancy left: max |r| ${s.redundancyLeft.max.toFixed(3)}, mean ${s.redundancyLeft.mean.toFixed(3)}` : '';
      const concepts = s.concepts ? `, concept neurons ${s.concepts.found}/${s.concepts.total}` : '';
      ctx.log(`selection: ${s.kept} kept; planted groups ${s.covered}/${s.planted} covered, ${s.lost} lost, ${s.duplicated} with more than one kept; ${s.inertKept} inert kept${concepts}${left}`);
      doc.selection = selectionJson(s, selection);
    }
    if (rankingIds?.ordering) {
      const r = scoreRanking(truth, rankingIds.ordering, ks);
      for (const c of r) ctx.log(`ranking: first ${c.k}: ${c.found}/${c.total} concept neurons (recall ${(100 * c.recall).toFixed(1)}%)`);
      doc.ranking = { file: ranking, atK: r };
    }
    if (output) writeTextAtomic(output, JSON.stringify(doc, null, 1) + '\n');
    return doc;
  },
};
