// Panel 4: train LeNet-5 or a small ResNet on the embedded Fashion-MNIST subset, watch the curves,
// pause or stop; the best-validation model is kept, tested, and can be downloaded or loaded back.
import { h, messageLine, thousands } from '../dom.js';
import type { EpochEvent, StepEvent, TestReport, TrainArgs } from '../worker/train.js';
import type { Panel } from './panel.js';
import { confusionTable, lossChart, misclassifiedImages } from './train-results.js';

const DEFAULTS: TrainArgs = { architecture: 'lenet5', optimizer: 'adam', lr: 0.001, batchSize: 32, epochs: 3, l2: 0, tol: 0, maxIterations: 0, trainImages: 5000 };

export const trainPanel: Panel = {
  id: 'train',
  title: '4. Train',
  async mount(root, engine) {
    const archs = await engine.call('architectures');
    const msg = messageLine('train-message');
    const status = h('p', { 'data-testid': 'train-status', role: 'status' }, 'not trained yet');
    const chart = h('div', { class: 'scroll' });
    const curves = h('div', { class: 'scroll', 'data-testid': 'epoch-curves' });
    const results = h('div', { 'data-testid': 'train-results' });
    const losses: number[] = [];
    (window as unknown as { trainLosses: number[] }).trainLosses = losses;
    let drawQueued = false;

    const select = (id: string, options: Record<string, string>, value: string) =>
      h('select', { id }, ...Object.entries(options).map(([k, v]) => h('option', { value: k, selected: k === value }, v)));
    const num = (id: string, value: number, step: string) => h('input', { type: 'number', id, value, step, min: 0 });
    const inputs = {
      architecture: select('train-architecture', archs, DEFAULTS.architecture),
      optimizer: select('train-optimizer', { sgd: 'SGD', momentum: 'SGD with momentum 0.9', adam: 'Adam' }, DEFAULTS.optimizer),
      lr: num('train-lr', DEFAULTS.lr, 'any'),
      batchSize: num('train-batch', DEFAULTS.batchSize, '1'),
      epochs: num('train-epochs', DEFAULTS.epochs, '1'),
      l2: num('train-l2', DEFAULTS.l2, 'any'),
      tol: num('train-tol', DEFAULTS.tol, 'any'),
      maxIterations: num('train-nmax', DEFAULTS.maxIterations, '1'),
      trainImages: num('train-images', DEFAULTS.trainImages, '100'),
    };
    const labels: Record<keyof TrainArgs, string> = {
      architecture: 'network', optimizer: 'optimiser', lr: 'α (learning rate)', batchSize: 'batch size m', epochs: 'epochs',
      l2: 'λ of the L2 term (0 = off)', tol: 'δ: stop when |ΔL| < δ (0 = off)', maxIterations: 'N_max iterations (0 = off)', trainImages: 'training images (of 5,000)',
    };
    const start = h('button', { type: 'button', 'data-testid': 'train-start' }, 'Train');
    const pause = h('button', { type: 'button', 'data-testid': 'train-pause', disabled: true }, 'Pause');
    const stop = h('button', { type: 'button', 'data-testid': 'train-stop', disabled: true }, 'Stop');
    const download = h('button', { type: 'button', 'data-testid': 'model-download' }, 'Download model (.safetensors)');
    const upload = h('input', { type: 'file', id: 'model-file', accept: '.safetensors', 'data-testid': 'model-file' });
    let paused = false;

    const showReport = (test: TestReport, about: string) => {
      results.replaceChildren(h('p', { 'data-testid': 'test-accuracy' }, `${about} Test accuracy: ${(test.accuracy * 100).toFixed(1)}% on 1,000 test images.`),
        h('div', { class: 'scroll' }, confusionTable(test)), h('h3', {}, 'Misclassified test images (true → predicted)'), misclassifiedImages(test));
    };

    engine.on('train-step', (d) => {
      const s = d as StepEvent;
      losses.push(s.batchLoss);
      status.textContent = `epoch ${s.epoch}/${s.epochs} · step ${s.step}/${s.steps} · iteration ${s.iteration} · loss ${s.loss.toFixed(4)} · accuracy ${(s.accuracy * 100).toFixed(1)}% · ${thousands(Math.round(s.imagesPerSecond))} images/s`;
      if (!drawQueued) {
        drawQueued = true;
        requestAnimationFrame(() => { drawQueued = false; chart.replaceChildren(lossChart(losses)); });
      }
    });
    engine.on('train-epoch', (d) => {
      const e = d as EpochEvent;
      curves.innerHTML = e.curves; // SVG text made by the library's trainingCurvesSvg from numbers only
    });
    engine.on('train-paused', (on) => { status.textContent += on ? ' · paused' : ''; });

    start.addEventListener('click', async () => {
      const args = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el instanceof HTMLSelectElement ? el.value : Number(el.value)])) as unknown as TrainArgs;
      losses.length = 0;
      chart.replaceChildren();
      curves.replaceChildren();
      results.replaceChildren();
      msg.clear();
      start.disabled = true;
      pause.disabled = stop.disabled = false;
      status.textContent = 'loading Fashion-MNIST…';
      try {
        const r = await engine.call('train', args);
        status.textContent += ` · done: ${r.stopReason}`;
        showReport(r.test, `Trained for ${r.iterations} iterations in ${r.seconds.toFixed(1)} s on the ${r.device === 'webgpu' ? 'GPU (WebGPU)' : 'CPU'}; kept the parameters of epoch ${r.bestEpoch} (lowest validation loss).`);
      } catch (e) {
        msg.show(e);
      } finally {
        start.disabled = false;
        pause.disabled = stop.disabled = true;
        paused = false;
        pause.textContent = 'Pause';
      }
    });
    pause.addEventListener('click', async () => {
      paused = !paused;
      pause.textContent = paused ? 'Resume' : 'Pause';
      await engine.call('pause', paused);
    });
    stop.addEventListener('click', () => void engine.call('stop'));
    download.addEventListener('click', async () => {
      const { bytes, fileName } = await engine.call('saveModel');
      const a = h('a', { href: URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' })), download: fileName });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    });
    upload.addEventListener('change', async () => {
      const file = upload.files?.[0];
      upload.value = '';
      if (!file) return;
      try {
        const r = await engine.call('loadModel', { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name });
        msg.info(`loaded ${file.name} (${r.architecture})`);
        showReport(r.test, `Model from ${file.name}.`);
      } catch (e) {
        msg.show(e);
      }
    });

    root.append(
      h('h2', {}, '4. Train'),
      h('p', {}, 'Train on the embedded Fashion-MNIST subset: 5,000 training and 1,000 validation images (28×28, 10 classes), tested on 1,000 more. The lecture\'s stopping rule ends training when the loss changes by less than δ between iterations, or after N_max iterations; the parameters of the epoch with the lowest validation loss are kept (the lecture\'s step 5).'),
      h('div', { class: 'controls' }, ...Object.entries(inputs).map(([k, el]) => h('label', { class: 'field' }, h('span', {}, labels[k as keyof TrainArgs]), el))),
      h('div', { class: 'controls' }, start, pause, stop, download, h('label', { class: 'field' }, h('span', {}, 'load a model file'), upload)),
      msg.el, status, chart, curves, results,
    );
  },
};
