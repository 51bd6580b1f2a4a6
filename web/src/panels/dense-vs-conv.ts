// Panel 1: why not dense layers. A dense layer needs a weight per input per unit; a convolution's
// weights depend only on its kernel, whatever the image size.
import { h, latest, messageLine, numberField, thousands } from '../dom.js';
import type { Panel } from './panel.js';

export const denseVsConvPanel: Panel = {
  id: 'dense',
  title: '1. Why not dense layers',
  mount(root, engine) {
    const args = { height: 224, width: 224, channels: 3, hidden: 1000, filters: 64, kernel: 3 };
    const msg = messageLine('dense-message');
    const dense = h('div', { class: 'card', 'data-testid': 'dense-count' });
    const conv = h('div', { class: 'card', 'data-testid': 'conv-count' });
    const update = latest(async () => {
      try {
        const r = await engine.call('denseVsConv', { ...args });
        msg.clear();
        dense.replaceChildren(
          h('h3', {}, 'Dense layer'),
          h('p', {}, `${args.height} × ${args.width} × ${args.channels} = ${thousands(r.inputs)} inputs, each joined to ${thousands(args.hidden)} hidden units:`),
          h('p', { class: 'big' }, `${thousands(r.denseWeights)} weights`),
          h('p', {}, `plus ${thousands(r.denseBiases)} biases, and as many multiply-adds per image as weights. Double the image side and the weights grow fourfold.`),
        );
        conv.replaceChildren(
          h('h3', {}, 'Convolution layer'),
          h('p', {}, `${args.filters} kernels of ${args.kernel} × ${args.kernel} × ${args.channels}, shared by every position:`),
          h('p', { class: 'big' }, `${thousands(r.convWeights)} weights`),
          h('p', {}, `plus ${thousands(r.convBiases)} biases, whatever the image size; output [${r.convOutputShape.join(', ')}], ` +
            `${thousands(r.convMacs)} multiply-adds. The dense layer has ${thousands(Math.round(r.denseWeights / r.convWeights))} times as many weights.`),
        );
      } catch (e) {
        msg.show(e);
      }
    });
    const field = (label: string, key: keyof typeof args, max: number) =>
      numberField(label, { value: args[key], min: 1, max, id: `dense-${key}` }, (v) => { args[key] = v; update(undefined); });
    root.append(
      h('h2', {}, '1. Why not dense layers'),
      h('p', {}, 'A dense (fully connected) layer joins every input value to every hidden unit. For images that is a weight per pixel, per channel, per unit. A convolution slides one small kernel over the image instead, so its weights do not depend on the image size.'),
      h('div', { class: 'controls' },
        field('image height', 'height', 4096), field('image width', 'width', 4096), field('channels', 'channels', 64),
        field('hidden units (dense)', 'hidden', 100000), field('kernels (conv)', 'filters', 1024), field('kernel size k', 'kernel', 15)),
      msg.el,
      h('div', { class: 'cards' }, dense, conv),
    );
    update(undefined);
  },
};
