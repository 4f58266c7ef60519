/**
 * The report page's script: reads the results from the page's JSON block and draws the page the hash names (the
 * summary, a neuron, a cluster). Bundled into one IIFE by scripts/build-report-client.mjs; d3 and Plot are the
 * globals of their inlined UMD builds.
 */
import type { BenchResult } from '../../redbench/bench.js';
import { benchPage } from './bench.js';
import { ckaHeatmap } from './cka.js';
import { layerProbes, neuronsVsThreshold, scoreVsNeurons } from './charts.js';
import { clusterPage, largestClusters } from './cluster-page.js';
import { concepts } from './concepts.js';
import { dendrogram } from './dendrogram.js';
import { h, section } from './dom.js';
import { correlationHeatmap } from './heatmap.js';
import { Model } from './model.js';
import { route, topBar, type Route } from './navigation.js';
import { neuronPage } from './neuron-page.js';
import { header, stability, summaryTable, warnings } from './summary.js';

function summaryPage(m: Model): HTMLElement {
  const curves = [neuronsVsThreshold(m), scoreVsNeurons(m), layerProbes(m)];
  const correlation = [correlationHeatmap(m), ckaHeatmap(m)];
  const tree = dendrogram(m);
  const present = <T,>(xs: Array<T | null>) => xs.filter((x): x is T => x !== null);
  return h(
    'div',
    { class: 'page summary-page' },
    header(m),
    warnings(m),
    summaryTable(m),
    stability(m),
    present(curves).length > 0 ? section('curves', 'Curves', h('div', { class: 'grid' }, ...present(curves))) : null,
    present(correlation).length > 0 || tree ? section('correlation', 'Correlation structure', h('div', { class: 'grid' }, ...present(correlation)), tree) : null,
    largestClusters(m),
    concepts(m),
    m.views.sampling ? h('p', { class: 'note block sampling' }, `Per-neuron data: ${m.views.sampling}`) : null,
    h('footer', {}, `neurosieve analysis results v${m.r.version}, created ${m.r.created}. This page is self-contained: it loads nothing from the network.`),
  );
}

function main(): void {
  // A benchmark page (neurosieve bench-redundancy's JSON) has its own block and one page.
  const bench = document.getElementById('bench');
  if (bench?.textContent) {
    document.body.append(h('main', {}, benchPage(JSON.parse(bench.textContent) as BenchResult)));
    return;
  }
  const m = Model.fromPage();
  const main = h('main', {});
  document.body.append(topBar(m), main);
  let last: Route['page'] | undefined;
  route((r) => {
    let page: HTMLElement;
    if (r.page === 'neuron') page = neuronPage(m, r.id);
    else if (r.page === 'cluster') page = clusterPage(m, r.threshold, r.cluster);
    else page = summaryPage(m);
    main.replaceChildren(page);
    document.body.dataset.page = r.page;
    // A section anchor (#concepts) scrolls to that section of the summary; a new page starts at the top.
    const anchor = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
    if (anchor) anchor.scrollIntoView();
    else if (r.page !== 'summary' || last !== 'summary') window.scrollTo(0, 0);
    last = r.page;
  });
}

main();
