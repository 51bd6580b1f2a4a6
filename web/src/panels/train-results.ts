// Panel 4's pictures: the live batch-loss curve, the confusion matrix and the misclassified images.
import { h } from '../dom.js';
import { toCanvas } from '../image-input.js';
import type { TestReport } from '../worker/train.js';

const SVG = 'http://www.w3.org/2000/svg';

/** Batch loss against iteration as an SVG polyline, with the y range labelled. */
export function lossChart(losses: readonly number[]): SVGSVGElement {
  const [w, hgt, pad] = [640, 200, 36];
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `batch loss over ${losses.length} steps`);
  svg.dataset.testid = 'loss-chart';
  svg.style.maxWidth = '100%';
  const max = Math.max(...losses, 1e-6);
  const x = (i: number) => pad + (i / Math.max(1, losses.length - 1)) * (w - pad - 8);
  const y = (v: number) => hgt - 20 - (v / max) * (hgt - 36);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', losses.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#0072b2');
  line.setAttribute('stroke-width', '1.5');
  const label = (tx: number, ty: number, s: string, anchor = 'start') => {
    const t = document.createElementNS(SVG, 'text');
    Object.entries({ x: tx, y: ty, 'font-size': 11, 'text-anchor': anchor }).forEach(([k, v]) => t.setAttribute(k, String(v)));
    t.textContent = s;
    return t;
  };
  const axis = document.createElementNS(SVG, 'path');
  axis.setAttribute('d', `M${pad},${y(max)} V${y(0)} H${w - 8}`);
  axis.setAttribute('stroke', '#595959');
  axis.setAttribute('fill', 'none');
  svg.append(axis, line, label(pad - 4, y(max) + 4, max.toFixed(2), 'end'), label(pad - 4, y(0) + 4, '0', 'end'),
    label(w - 8, hgt - 4, `step ${losses.length}`, 'end'), label(pad + 4, 12, 'batch loss'));
  return svg;
}

/** Rows = true class, columns = predicted; cells shaded by share of the row (blue, numbers always shown). */
export function confusionTable(r: TestReport): HTMLTableElement {
  const short = r.classNames.map((n) => n.split('/')[0]!);
  const table = h('table', { class: 'matrix confusion', 'data-testid': 'confusion' },
    h('caption', {}, `confusion matrix on ${r.confusion.flat().reduce((a, b) => a + b, 0)} test images: rows true class, columns predicted`),
    h('tr', {}, h('th', {}, ''), ...short.map((n) => h('th', { scope: 'col' }, n))));
  r.confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    table.append(h('tr', {}, h('th', { scope: 'row' }, short[i]!), ...row.map((v, j) => {
      const td = h('td', { class: i === j ? 'diag' : undefined }, String(v));
      td.style.background = `rgba(0, 114, 178, ${(v / total) * 0.85})`;
      if (v / total > 0.5) td.style.color = '#fff';
      return td;
    })));
  });
  return table;
}

export function misclassifiedImages(r: TestReport): HTMLElement {
  return h('div', { class: 'thumbs', 'data-testid': 'misclassified' }, ...r.misclassified.map((m) => {
    const rgba = new Uint8ClampedArray(28 * 28 * 4);
    m.pixels.forEach((v, i) => { rgba.set([v, v, v, 255], i * 4); });
    return h('figure', {}, toCanvas({ width: 28, height: 28, data: rgba }, undefined, 2),
      h('figcaption', {}, `${r.classNames[m.label]} → ${r.classNames[m.predicted]}`));
  }));
}
