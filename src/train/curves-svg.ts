// Training curves as a standalone SVG (no dependencies, opens in any browser): loss on the left
// panel, accuracy on the right, training and validation per epoch, the best epoch marked.
import type { EpochLog } from './progress.js';

interface Series { name: string; color: string; points: [number, number][]; dashed?: boolean }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(x0: number, title: string, series: Series[], epochs: number, yFmt: (v: number) => string, best: number,
  legendAtBottom = false): string {
  const W = 420, H = 260, L = 56, R = 12, T = 28, B = 36;
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.05;
  lo -= pad; hi += pad;
  const sx = (e: number) => x0 + L + ((e - 1) / Math.max(epochs - 1, 1)) * (W - L - R);
  const sy = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const out: string[] = [`<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  out.push(`<rect x="${x0 + L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    out.push(`<line x1="${x0 + L}" x2="${x0 + W - R}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/>`,
      `<text x="${x0 + L - 6}" y="${sy(v) + 4}" text-anchor="end">${yFmt(v)}</text>`);
  }
  const ticks = Math.min(epochs, 10);
  for (let i = 0; i < ticks; i++) {
    const e = Math.round(1 + (i * (epochs - 1)) / Math.max(ticks - 1, 1));
    out.push(`<text x="${sx(e)}" y="${H - B + 16}" text-anchor="middle">${e}</text>`);
  }
  out.push(`<text x="${x0 + L + (W - L - R) / 2}" y="${H - 4}" text-anchor="middle">epoch</text>`);
  if (best > 0) out.push(`<line x1="${sx(best)}" x2="${sx(best)}" y1="${T}" y2="${H - B}" stroke="#2a2" stroke-dasharray="3 3"/>`);
  series.forEach((s, k) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) return;
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`);
    for (const p of pts) out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    const ly = legendAtBottom ? H - B - 8 - 14 * (series.length - 1 - k) : T + 14 + 14 * k;
    out.push(`<text x="${x0 + W - R - 4}" y="${ly}" text-anchor="end" fill="${s.color}">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

/**
 * An SVG image of a run's loss and accuracy per epoch (training and, if present, validation).
 * @example writeFileSync('runs/curves.svg', trainingCurvesSvg(history.epochs, { title: 'LeNet-5' }));
 */
export function trainingCurvesSvg(epochs: readonly EpochLog[], { title = 'training curves', bestEpoch = 0 } = {}): string {
  if (epochs.length === 0) throw new Error('trainingCurvesSvg: no epochs to plot');
  const n = epochs[epochs.length - 1]!.epoch;
  const pts = (f: (e: EpochLog) => number | undefined): [number, number][] =>
    epochs.map((e) => [e.epoch, f(e) ?? NaN]);
  const hasVal = epochs.some((e) => e.valLoss !== undefined);
  const loss: Series[] = [{ name: 'train', color: '#1f77b4', points: pts((e) => e.trainLoss) }];
  const acc: Series[] = [{ name: 'train', color: '#1f77b4', points: pts((e) => e.trainAccuracy * 100) }];
  if (hasVal) {
    loss.push({ name: 'validation', color: '#d62728', points: pts((e) => e.valLoss), dashed: true });
    acc.push({ name: 'validation', color: '#d62728', points: pts((e) => (e.valAccuracy ?? NaN) * 100), dashed: true });
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="300" viewBox="0 0 860 300" font-family="sans-serif" font-size="11">
<rect width="860" height="300" fill="white"/>
<text x="430" y="296" text-anchor="middle" fill="#555">${esc(title)}${bestEpoch ? ` · best epoch ${bestEpoch} (green)` : ''}</text>
${panel(0, 'loss', loss, n, (v) => v.toFixed(3), bestEpoch)}
${panel(430, 'accuracy (%)', acc, n, (v) => v.toFixed(1), bestEpoch, true)}
</svg>
`;
}
