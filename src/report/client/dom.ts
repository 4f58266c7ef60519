/** A small hyperscript for building the page, and the chart card every chart is drawn in. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** A link to a neuron's page. */
export function neuronLink(j: number, text: string = String(j)): HTMLAnchorElement {
  return h('a', { href: `#neuron/${j}`, class: 'neuron-link', title: `neuron ${j}` }, text);
}

/**
 * A titled chart card: `data-chart` names it (the browser tests find every chart by it), `note` says in a line what
 * is plotted and where the numbers come from.
 */
export function chartCard(id: string, title: string, note?: string): { card: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'chart-body' });
  const card = h('figure', { class: 'chart', 'data-chart': id }, h('figcaption', {}, h('h3', {}, title), note ? h('p', { class: 'note' }, note) : null), body);
  return { card, body };
}

export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { id, class: 'block' }, h('h2', {}, title), ...children);
}

export const pct = (v: number | undefined | null, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? '—' : `${(100 * v).toFixed(digits)}%`);
export const int = (v: number) => v.toLocaleString('en-US');
