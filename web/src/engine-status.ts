// The header line that says where the engine computes (e.g. "WebGPU (google swiftshader)" or
// "wasm, 2 threads"), and the CPU/GPU choice for training and inference (panels 4 and 5).
import type { Engine } from './engine.js';
import { h } from './dom.js';
import type { EngineInfo } from './worker/engine-info.js';

function describe(i: EngineInfo): string {
  const cpu = `${i.backend} backend, ${i.threads} thread${i.threads === 1 ? '' : 's'}` +
    (i.crossOriginIsolated ? ' (cross-origin isolated)' : ' (not cross-origin isolated: one thread)');
  const models = i.device === 'webgpu' ? `training and inference on ${i.label}` : `training and inference on the CPU${i.gpu ? '' : ` (${i.gpuMissing})`}`;
  return `engine: ${models}; the other panels on the ${cpu}.`;
}

/** Fills `line` with the engine's description and adds the device choice after it. */
export async function showEngineStatus(line: HTMLElement, engine: Engine): Promise<void> {
  const show = (i: EngineInfo) => {
    text.textContent = describe(i);
    choice.value = i.device;
    choice.disabled = !i.gpu;
    (window as unknown as { engineInfo: EngineInfo }).engineInfo = i;
  };
  const text = h('span', { 'data-testid': 'engine-device' });
  const choice = h('select', { id: 'device-choice', 'data-testid': 'device-choice', disabled: true },
    h('option', { value: 'webgpu' }, 'GPU (WebGPU)'), h('option', { value: 'cpu' }, 'CPU (WebAssembly)'));
  choice.addEventListener('change', async () => {
    try {
      show(await engine.call('setDevice', choice.value as EngineInfo['device']));
    } catch (e) {
      line.classList.add('error');
      text.textContent = e instanceof Error ? e.message : String(e);
      show(await engine.call('info'));
      line.classList.remove('error');
    }
  });
  try {
    show(await engine.call('info'));
    line.replaceChildren(text, ' ', h('label', { class: 'device-choice' }, 'Train and infer on ', choice));
  } catch (e) {
    line.textContent = e instanceof Error ? e.message : String(e);
    line.classList.add('error');
  }
}
