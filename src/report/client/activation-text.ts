/**
 * A top-activating row in its sentence: every word of the sentence, those within the context window coloured by the
 * neuron's activation on them (a diverging scale: red positive, blue negative, relative to the neuron's largest
 * |activation|), the row's own word outlined; −128 marks a word with no value (not a held row), shown neutral.
 */
import * as d3 from 'd3';
import type { ViewSentence } from '../../analyze/views-format.js';
import { h } from './dom.js';

/** Background for a quantised activation q ∈ [−127, 127]: RdBu with red for positive. */
export function activationColour(q: number): string {
  return d3.interpolateRdBu(0.5 - q / 254);
}

export interface Context {
  sentence: ViewSentence;
  vocabulary: readonly string[];
  position: number;
  window: number;
  /** 2·window + 1 quantised values, centred on `position`. */
  values: ArrayLike<number>;
  /** max|a| of the neuron: value q stands for q / 127 · scale. */
  scale: number;
}

export function sentenceLine(c: Context): HTMLElement {
  const line = h('p', { class: 'context' });
  c.sentence.words.forEach((id, i) => {
    const word = c.vocabulary[id] ?? '?';
    const offset = i - c.position + c.window;
    const q = offset >= 0 && offset < c.values.length ? c.values[offset]! : undefined;
    const classes = ['w', i === c.position ? 'focus' : '', q === undefined ? 'outside' : q === -128 ? 'none' : ''].filter(Boolean).join(' ');
    const title = q === undefined ? 'outside the context window' : q === -128 ? 'no value (not a held row)' : `activation ≈ ${((q / 127) * c.scale).toPrecision(3)}`;
    const style = q !== undefined && q !== -128 ? `background:${activationColour(q)};color:${Math.abs(q) > 80 ? '#fff' : '#111'}` : undefined;
    line.append(h('span', { class: classes, title, style, 'data-q': q }, word), ' ');
  });
  return line;
}
