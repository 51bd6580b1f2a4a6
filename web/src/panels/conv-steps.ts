// Panel 3: convolution step by step. The window moves over the padded input; row i of the im2col
// matrix A is that window; Z = AΘ; the output is Z reshaped; r = (q − k + 2p)/s + 1.
import { fmt, h, latest, matrix, messageLine, numberField } from '../dom.js';
import type { Engine } from '../engine.js';
import type { Result } from '../worker/handlers.js';
import type { Panel } from './panel.js';

const column = (v: readonly number[]) => v.map((x) => [x]);

function singleChannel(engine: Engine): HTMLElement {
  const g = { q: 5, k: 3, p: 0, s: 1 };
  let pos = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const msg = messageLine('steps-message');
  const out = h('div', { class: 'steps' });
  const posField = h('input', { type: 'range', id: 'steps-pos', min: 0, max: 0, value: 0, 'aria-label': 'window position i' });
  const posShown = h('output', { for: 'steps-pos' }, '0');
  const play = h('button', { type: 'button' }, 'play');
  let last: Result<'convSteps'> | null = null;

  function draw(): void {
    const r = last;
    if (!r) return;
    const rw = r.output[0]!.length;
    const [oi, oj] = [Math.floor(pos / rw), pos % rw];
    posShown.textContent = String(pos);
    const inWindow = (i: number, j: number) => i >= oi * g.s && i < oi * g.s + g.k && j >= oj * g.s && j < oj * g.s + g.k;
    out.replaceChildren(
      h('p', { class: 'formula', 'data-testid': 'steps-formula' }, r.formulas.join('; ')),
      h('div', { class: 'row' },
        matrix(r.padded, { caption: `padded input (${r.padded.length}×${r.padded[0]!.length}), window ${pos}`, mark: inWindow, testid: 'steps-padded' }),
        matrix(r.kernel, { caption: `kernel (${g.k}×${g.k})` }),
        matrix(r.output, { caption: `output (${r.output.length}×${rw})`, mark: (i, j) => i === oi && j === oj, testid: 'conv-output' })),
      h('div', { class: 'row' },
        matrix(r.A, { caption: `A (${r.A.length}×${r.A[0]!.length}): one row per window`, markRow: pos, testid: 'steps-A' }),
        matrix(column(r.theta), { caption: `Θ (${r.theta.length}×1)` }),
        matrix(column(r.product), { caption: `Z = AΘ (${r.product.length}×1)`, markRow: pos })),
      h('p', {}, `Z[${pos}] = row ${pos} of A · Θ = ` +
        r.A[pos]!.map((a, j) => `${fmt(a)}·${fmt(r.theta[j]!)}`).join(' + ') + ` = ${fmt(r.product[pos]!)}`),
    );
  }

  const update = latest(async () => {
    try {
      const r = await engine.call('convSteps', { ...g });
      msg.clear();
      last = r;
      posField.max = String(r.product.length - 1);
      pos = Math.min(pos, r.product.length - 1);
      posField.value = String(pos);
      draw();
    } catch (e) {
      last = null;
      out.replaceChildren();
      msg.show(e);
    }
  });
  posField.addEventListener('input', () => { pos = Number(posField.value); draw(); });
  play.addEventListener('click', () => {
    if (timer) { clearInterval(timer); timer = undefined; play.textContent = 'play'; return; }
    play.textContent = 'pause';
    timer = setInterval(() => {
      pos = (pos + 1) % (Number(posField.max) + 1);
      posField.value = String(pos);
      draw();
    }, 700);
  });
  const field = (label: string, key: keyof typeof g, min: number, max: number) =>
    numberField(label, { value: g[key], min, max, range: true, id: `steps-${key}` }, (v) => { g[key] = v; update(undefined); });
  update(undefined);
  return h('div', {},
    h('p', {}, 'The lecture\'s 5×5 input and 3×3 kernel (other sizes get small random integers). Move the window with the slider or press play.'),
    h('div', { class: 'controls' }, field('input q', 'q', 2, 8), field('kernel k', 'k', 1, 5), field('padding p', 'p', 0, 3), field('stride s', 's', 1, 3),
      h('label', { class: 'field' }, h('span', {}, 'window i'), posField, posShown), play),
    msg.el, out);
}

async function multiChannel(engine: Engine): Promise<HTMLElement> {
  const r = await engine.call('multiChannel');
  const slice = (z: number[][][], m: number) => z.map((row) => row.map((v) => v[m]!));
  return h('div', {},
    h('p', {}, `Input [5 5 3], two kernels [3 3 3] with biases [${r.bias.join(', ')}], padding p = ${r.padding}, stride s = ${r.stride}.`),
    h('p', { class: 'formula', 'data-testid': 'multi-formula' }, r.formula),
    h('div', { class: 'row' }, ...r.input.map((ch, c) => matrix(ch, { caption: `input channel ${c + 1}` }))),
    ...r.kernels.map((k, m) => h('div', { class: 'row' }, ...k.map((ch, c) => matrix(ch, { caption: `kernel ${m + 1}, channel ${c + 1}` })))),
    h('div', { class: 'row' },
      matrix(r.A, { caption: `A [${r.A.length} ${r.A[0]!.length}]`, testid: 'multi-A' }),
      matrix(r.theta, { caption: `Θ [${r.theta.length} ${r.theta[0]!.length}]` })),
    h('div', { class: 'row', 'data-testid': 'multi-Z' },
      ...[0, 1].map((m) => matrix(slice(r.Z, m), { caption: `Z = AΘ + b, [${r.r} ${r.r} 2], slice ${m + 1}` })),
      h('p', {}, `F.conv2d gives the same: ${JSON.stringify(r.Z) === JSON.stringify(r.conv2d) ? 'yes' : 'NO'}`)),
  );
}

function pooling(engine: Engine): HTMLElement {
  const g = { k: 2, s: 2 };
  const msg = messageLine('pool-message');
  const out = h('div', {});
  const update = latest(async () => {
    try {
      const r = await engine.call('pooling', { ...g });
      msg.clear();
      out.replaceChildren(h('p', { class: 'formula' }, r.formula), h('div', { class: 'row' },
        matrix(r.input, { caption: 'input' }), matrix(r.A, { caption: 'windows (rows of A)' }),
        matrix(r.max, { caption: 'max pooling', testid: 'pool-max' }), matrix(r.avg, { caption: 'average pooling', testid: 'pool-avg' })));
    } catch (e) {
      out.replaceChildren();
      msg.show(e);
    }
  });
  update(undefined);
  const field = (label: string, key: keyof typeof g) =>
    numberField(label, { value: g[key], min: 1, max: 4, range: true, id: `pool-${key}` }, (v) => { g[key] = v; update(undefined); });
  return h('div', {}, h('p', {}, 'Pooling uses the same windows as the convolution, but each window gives its maximum or its mean.'),
    h('div', { class: 'controls' }, field('window k', 'k'), field('stride s', 's')), msg.el, out);
}

async function signal(engine: Engine): Promise<HTMLElement> {
  const r = await engine.call('signal');
  return h('div', {},
    h('p', {}, `Signal x = [${r.signal.join(', ')}], kernel [${r.kernel.join(', ')}].`),
    matrix([r.padded], { caption: 'zero padded (p = 1)' }),
    matrix([r.same], { caption: `zero padding: ${r.formulas.same}`, testid: 'signal-same' }),
    matrix([r.valid], { caption: `"valid" (no padding): ${r.formulas.valid}`, testid: 'signal-valid' }),
  );
}

export const convStepsPanel: Panel = {
  id: 'steps',
  title: '3. Convolution step by step',
  async mount(root, engine) {
    root.append(h('h2', {}, '3. Convolution step by step'), singleChannel(engine));
    const rest = [
      ['Several channels, several kernels', multiChannel(engine)],
      ['Pooling and striding', Promise.resolve(pooling(engine))],
      ['A 1-D signal: zero padding against "valid"', signal(engine)],
    ] as const;
    for (const [title, part] of rest) root.append(h('h3', {}, title), await part);
  },
};
