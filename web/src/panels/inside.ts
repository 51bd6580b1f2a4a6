// Panel 5: look inside the trained model. Draw (mouse, finger or pen) or upload an image; see the
// class probabilities, every convolution layer's feature maps, and the first layer's filters.
import { h, messageLine } from '../dom.js';
import { decodeFile, imagePicker, toCanvas } from '../image-input.js';
import type { Gray, Prediction } from '../worker/inside.js';
import type { Panel } from './panel.js';

const SIZE = 280;

function grayCanvas(g: Gray, scale: number): HTMLCanvasElement {
  const rgba = new Uint8ClampedArray(g.width * g.height * 4);
  g.pixels.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
  return toCanvas({ width: g.width, height: g.height, data: rgba }, undefined, scale);
}

function bars(p: Prediction): HTMLElement {
  const top = p.probabilities.indexOf(Math.max(...p.probabilities));
  return h('div', { class: 'bars', 'data-testid': 'probabilities', role: 'list' }, ...p.probabilities.flatMap((v, i) => {
    const bar = h('div', { class: i === top ? 'bar top' : 'bar' });
    bar.style.width = `${(v * 100).toFixed(2)}%`;
    return [h('span', { role: 'listitem' }, p.classNames[i]!), bar, h('span', { 'data-p': v }, `${(v * 100).toFixed(1)}%`)];
  }));
}

export const insidePanel: Panel = {
  id: 'inside',
  title: '5. Look inside',
  mount(root, engine) {
    const msg = messageLine('inside-message');
    const about = h('p', { 'data-testid': 'inside-about' });
    const seen = h('figure', {});
    const probs = h('div', { 'data-testid': 'predictions', 'data-runs': 0 });
    let runs = 0;
    const maps = h('div', { 'data-testid': 'feature-maps' });
    const filters = h('div', { 'data-testid': 'first-filters' });
    const pad = h('canvas', { width: SIZE, height: SIZE, class: 'drawpad', 'data-testid': 'drawpad', 'aria-label': 'drawing area: draw a piece of clothing in white on black' });
    const ctx = pad.getContext('2d', { willReadFrequently: true })!;
    const invert = h('input', { type: 'checkbox', id: 'inside-invert' });
    const clear = () => { ctx.fillStyle = '#000'; ctx.fillRect(0, 0, SIZE, SIZE); };
    clear();

    const run = async (image: ImageData) => {
      try {
        const p = await engine.call('predict', { image: { width: image.width, height: image.height, data: image.data }, invert: invert.checked });
        msg.clear();
        about.textContent = (p.trained ? `Model: the ${p.architecture} trained or loaded in panel 4.` : `Model: an untrained ${p.architecture} (train one in panel 4 or load a file there): its guesses are random.`) +
          ` Computed on the ${p.device === 'webgpu' ? 'GPU (WebGPU)' : 'CPU'}.`;
        seen.replaceChildren(grayCanvas(p.input, 4), h('figcaption', {}, 'what the model sees (28×28)'));
        probs.replaceChildren(h('h3', {}, 'Class probabilities (softmax)'), bars(p));
        probs.dataset.runs = String(++runs);
        maps.replaceChildren(...p.featureMaps.map((f) => h('div', {},
          h('h4', {}, `${f.layer}: ${f.shape[0]} maps of ${f.shape[1]}×${f.shape[2]}`),
          h('div', { class: 'thumbs' }, ...f.maps.map((m) => grayCanvas(m, Math.max(1, Math.round(56 / m.width))))))));
        const ff = await engine.call('firstFilters');
        filters.replaceChildren(h('h3', {}, `Filters of the first layer (${ff.layer}, [${ff.shape.join(', ')}])`),
          h('div', { class: 'thumbs' }, ...ff.filters.map((g) => grayCanvas(g, 10))));
      } catch (e) {
        msg.show(e);
      }
    };

    let drawing = false;
    const at = (e: PointerEvent) => {
      const r = pad.getBoundingClientRect();
      return [((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE] as const;
    };
    pad.addEventListener('pointerdown', (e) => {
      drawing = true;
      pad.setPointerCapture(e.pointerId);
      ctx.beginPath();
      ctx.moveTo(...at(e));
    });
    pad.addEventListener('pointermove', (e) => {
      if (!drawing) return;
      Object.assign(ctx, { strokeStyle: '#fff', lineWidth: 22, lineCap: 'round', lineJoin: 'round' });
      ctx.lineTo(...at(e));
      ctx.stroke();
    });
    const end = () => {
      if (!drawing) return;
      drawing = false;
      void run(ctx.getImageData(0, 0, SIZE, SIZE));
    };
    pad.addEventListener('pointerup', end);
    pad.addEventListener('pointercancel', end);
    const load = async (file: Blob & { name?: string }) => {
      try {
        const { image } = await decodeFile(file);
        // Fashion-MNIST items are light on black; photos are usually dark on light.
        let sum = 0;
        for (let i = 0; i < image.data.length; i += 4) sum += image.data[i]! + image.data[i + 1]! + image.data[i + 2]!;
        invert.checked = sum / (image.data.length / 4) / 3 > 127;
        clear();
        const bitmap = await createImageBitmap(image);
        const s = Math.min(SIZE / image.width, SIZE / image.height);
        ctx.drawImage(bitmap, (SIZE - image.width * s) / 2, (SIZE - image.height * s) / 2, image.width * s, image.height * s);
        await run(image);
      } catch (e) {
        msg.show(e);
      }
    };

    root.append(
      h('h2', {}, '5. Look inside'),
      h('p', {}, 'Draw a piece of clothing (white on black, like Fashion-MNIST) or upload a picture. Each convolution layer\'s feature maps show where its filters respond; the first layer\'s filters are edge and blob detectors, like the cells Hubel and Wiesel found in the cat\'s visual cortex.'),
      about,
      h('div', { class: 'row' },
        h('figure', {}, pad, h('figcaption', {}, 'draw here')),
        h('div', {},
          h('div', { class: 'controls' }, h('button', { type: 'button', 'data-testid': 'drawpad-clear', onclick: () => { clear(); } }, 'Clear'),
            h('label', {}, invert, ' invert (dark object on a light background)')),
          imagePicker('inside-file', root, (f) => void load(f)), seen)),
      msg.el, probs, maps, filters,
    );
  },
};
