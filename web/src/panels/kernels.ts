// Panel 2: the lecture's kernels on a sample photo or the user's own image; an editable kernel,
// the border mode and the stride; input and result side by side, recomputed as you type.
import { h, latest, messageLine } from '../dom.js';
import { decodeFile, imagePicker, toCanvas } from '../image-input.js';
import type { Panel } from './panel.js';

const SAMPLES = ['landscape', 'test-card', 'sneaker'];
const kernelText = (k: number[][]) => k.map((row) => row.map((v) => Number(v.toFixed(5))).join(' ')).join('\n');

export const kernelsPanel: Panel = {
  id: 'kernels',
  title: '2. Kernels',
  async mount(root, engine) {
    const kernels = await engine.call('kernels');
    const msg = messageLine('kernels-message');
    const note = h('p', { class: 'note', 'data-testid': 'kernels-note' });
    const wide = (c: HTMLCanvasElement) => { c.classList.add('wide'); return c; };
    const input = h('figure', {}, h('figcaption', {}, 'input'));
    const output = h('figure', {}, h('figcaption', {}, 'result'));
    let image: ImageData | null = null;

    const select = h('select', { id: 'kernel-name', 'data-testid': 'kernel-name' },
      ...Object.entries(kernels).map(([name, k]) => h('option', { value: name }, `${name}: ${k.description}`)),
      h('option', { value: 'custom' }, 'custom (edit the numbers)'));
    const text = h('textarea', { id: 'kernel-text', rows: 5, cols: 28, spellcheck: 'false', 'data-testid': 'kernel-text' });
    const border = h('select', { id: 'kernel-border' }, ...['zero', 'replicate', 'reflect'].map((b) => h('option', { value: b }, b)));
    const stride = h('input', { type: 'number', id: 'kernel-stride', min: 1, max: 8, value: 1 });
    select.value = 'edge';
    text.value = kernelText(kernels.edge!.kernel);

    const apply = latest(async () => {
      if (!image) return;
      try {
        const r = await engine.call('filter', {
          image: { width: image.width, height: image.height, data: image.data },
          kernelText: text.value, border: border.value as 'zero', stride: Number(stride.value),
        });
        msg.clear();
        output.replaceChildren(wide(toCanvas(r.image, 'filter-output')), h('figcaption', {}, `result (${r.image.width}×${r.image.height})`));
      } catch (e) {
        msg.show(e);
      }
    });
    const setImage = (img: ImageData, about: string) => {
      image = img;
      note.textContent = about;
      input.replaceChildren(wide(toCanvas(img, 'filter-input')), h('figcaption', {}, `input (${img.width}×${img.height})`));
      apply(undefined);
    };
    const load = async (file: Blob & { name?: string }) => {
      try {
        const r = await decodeFile(file);
        setImage(r.image, r.note);
      } catch (e) {
        msg.show(e);
      }
    };
    const sampleButtons = SAMPLES.map((s) => h('button', { type: 'button', 'data-testid': `sample-${s}`, onclick: async () => {
      const res = await fetch(`./samples/${s}.png`);
      await load(Object.assign(await res.blob(), { name: `${s}.png` }));
    } }, s));

    select.addEventListener('change', () => {
      if (select.value !== 'custom') text.value = kernelText(kernels[select.value]!.kernel);
      apply(undefined);
    });
    text.addEventListener('input', () => { select.value = 'custom'; apply(undefined); });
    border.addEventListener('change', () => apply(undefined));
    stride.addEventListener('input', () => apply(undefined));

    root.append(
      h('h2', {}, '2. Kernels'),
      h('p', {}, 'A kernel slides over the image; each output pixel is the sum of the pixels under it, weighted by the kernel (cross-correlation, as in every CNN). Each colour channel is filtered on its own.'),
      h('div', { class: 'controls' }, h('span', {}, 'Sample images:'), ...sampleButtons),
      imagePicker('kernels-file', root, (f) => void load(f)),
      h('div', { class: 'controls' },
        h('label', { class: 'field' }, h('span', {}, 'kernel'), select),
        h('label', { class: 'field' }, h('span', {}, 'kernel values (rows; edit to recompute)'), text),
        h('label', { class: 'field' }, h('span', {}, 'border'), border),
        h('label', { class: 'field' }, h('span', {}, 'stride'), stride)),
      msg.el, note,
      h('div', { class: 'images' }, input, output),
    );
    await load(Object.assign(await (await fetch('./samples/landscape.png')).blob(), { name: 'landscape.png' }));
  },
};
