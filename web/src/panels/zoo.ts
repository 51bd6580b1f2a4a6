// Panel 6: architectures. Each model of the zoo built and summarised on demand (layers, output
// shapes, parameters, multiply-adds), and the self-study questions answered by the engine.
import { h, messageLine, thousands } from '../dom.js';
import type { Engine } from '../engine.js';
import type { ZooSummary } from '../worker/zoo.js';
import type { Panel } from './panel.js';

function summaryTable(s: ZooSummary): HTMLElement {
  const rows = s.layers.filter((l) => l.depth <= 2);
  return h('div', { 'data-testid': 'zoo-summary' },
    h('h3', {}, `${s.name}: ${s.description}`),
    h('p', { 'data-testid': 'zoo-totals' }, `input [${s.inputShape.join(', ')}] → output [${s.outputShape.join(', ')}]; ` +
      `${thousands(s.totalParams)} parameters; ${thousands(s.totalMacs)} multiply-adds per image`),
    s.error ? h('p', { class: 'message error' }, s.error) : null,
    h('div', { class: 'scroll' }, h('table', { class: 'summary' },
      h('tr', {}, ...['layer', 'type', 'output shape', 'parameters', 'multiply-adds'].map((c) => h('th', { scope: 'col' }, c))),
      ...rows.map((l) => h('tr', { class: l.depth > 1 ? 'nested' : undefined },
        h('td', {}, l.name), h('td', {}, l.type), h('td', {}, `[${l.outputShape.join(', ')}]`),
        h('td', { class: 'num' }, thousands(l.params)), h('td', { class: 'num' }, thousands(l.macs)))))));
}

async function selfStudy(engine: Engine): Promise<HTMLElement> {
  const a = await engine.call('selfStudy');
  return h('div', { 'data-testid': 'self-study' },
    h('h3', {}, 'Self-study questions, answered by the engine'),
    h('ol', {},
      h('li', {}, h('strong', {}, 'How many parameters has a [3, 3, 2] kernel? '),
        `An nn.Conv2d(2, 1, 3) has a weight of shape [${a.kernelParams.shape.join(', ')}]: ${a.kernelParams.weights} weights plus ${a.kernelParams.biases} bias = `,
        h('span', { 'data-testid': 'answer-params' }, String(a.kernelParams.weights + a.kernelParams.biases)), ' parameters.'),
      h('li', {}, h('strong', {}, 'What padding keeps the size (stride 1)? '), 'p = (k − 1)/2:',
        h('ul', {}, ...a.sizeKeeping.map((s) => h('li', {}, `k = ${s.k}: p = ${s.p}, since ${s.formula}`)))),
      h('li', {}, h('strong', {}, 'A network with no dense layer? '),
        `The fully convolutional net uses ${a.noDense.layerTypes.join(', ')}: ${a.noDense.hasLinear ? 'it has a Linear layer' : 'no Linear layer'}; ` +
        'global average pooling turns the last feature maps into the class scores, so it takes any image size: ' +
        a.noDense.outputs.map((o) => `[${o.input.join(', ')}] → [${o.output.join(', ')}]`).join(', ') + '.')),
  );
}

export const zooPanel: Panel = {
  id: 'zoo',
  title: '6. Architectures',
  async mount(root, engine) {
    const list = await engine.call('zooList');
    const msg = messageLine('zoo-message');
    const shown = h('div', {});
    const show = async (name: string) => {
      msg.info(`building ${name} and running one image through it…`);
      try {
        shown.replaceChildren(summaryTable(await engine.call('zooSummary', name)));
        msg.clear();
      } catch (e) {
        msg.show(e);
      }
    };
    root.append(
      h('h2', {}, '6. Architectures'),
      h('p', {}, 'Pick a model: striate builds it, runs one input through it and lists every layer. The large ImageNet models take a few seconds.'),
      h('div', { class: 'controls' }, ...list.map((m) => h('button', { type: 'button', 'data-testid': `zoo-${m.name}`, title: m.description, onclick: () => void show(m.name) }, m.name))),
      msg.el, shown,
    );
    await show('lenet5');
    root.append(await selfStudy(engine));
  },
};
