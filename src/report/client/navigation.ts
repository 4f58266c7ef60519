/**
 * In-page navigation: hash routes (#neuron/123, #cluster/0.3/17, anything else the summary), so the back button and
 * links between pages work in a file opened offline; the top bar with the neuron search box; a redraw when the
 * system switches between light and dark (the canvas colours are read from the theme when drawn).
 */
import { h } from './dom.js';
import type { Model } from './model.js';

export type Route = { page: 'summary' } | { page: 'neuron'; id: number } | { page: 'cluster'; threshold: number; cluster: number };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'neuron' && parts[1] !== undefined && parts[1] !== '') return { page: 'neuron', id: Number(parts[1]) };
  if (parts[0] === 'cluster' && parts.length === 3) return { page: 'cluster', threshold: Number(parts[1]), cluster: Number(parts[2]) };
  return { page: 'summary' };
}

export function topBar(m: Model): HTMLElement {
  const input = h('input', { type: 'search', inputmode: 'numeric', placeholder: `neuron id (0 … ${m.D - 1})`, 'aria-label': 'go to neuron', id: 'neuron-search' });
  const form = h(
    'form',
    {
      class: 'search',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const id = Number(input.value.trim());
        if (input.value.trim() !== '' && Number.isInteger(id)) location.hash = `#neuron/${id}`;
      },
    },
    input,
    h('button', { type: 'submit' }, 'Go'),
  );
  const task = typeof m.r.inputs.task === 'string' ? ` · ${m.r.inputs.task}` : '';
  return h('nav', { class: 'top' }, h('a', { href: '#', class: 'brand' }, 'neurosieve', h('span', {}, ` report${task}`)), h('div', { class: 'links' }, h('a', { href: '#summary' }, 'Summary'), h('a', { href: '#concepts' }, 'Concepts')), form);
}

/** Calls `render` now, on every hash change, and when the colour scheme changes. */
export function route(render: (r: Route) => void): void {
  const go = () => render(parseRoute(location.hash));
  window.addEventListener('hashchange', go);
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', go);
  go();
}
