// The page: a tab per panel in the lecture's order, each built when first opened (so the zoo's
// large models are only instantiated when asked for); the URL's #hash names the open panel.
import { Engine } from './engine.js';
import { h } from './dom.js';
import { showEngineStatus } from './engine-status.js';
import type { Panel } from './panels/panel.js';
import { denseVsConvPanel } from './panels/dense-vs-conv.js';
import { convStepsPanel } from './panels/conv-steps.js';
import { kernelsPanel } from './panels/kernels.js';
import { trainPanel } from './panels/train.js';
import { insidePanel } from './panels/inside.js';
import { zooPanel } from './panels/zoo.js';

const PANELS: Panel[] = [denseVsConvPanel, kernelsPanel, convStepsPanel, trainPanel, insidePanel, zooPanel];

const info = document.getElementById('engine-info')!;
const engine = new Engine((message) => { info.textContent = message; info.classList.add('error'); });
const tabs = document.getElementById('tabs')!;
const main = document.getElementById('panels')!;
const mounted = new Set<string>();

const buttons = PANELS.map((p) => h('button', {
  role: 'tab', id: `tab-${p.id}`, 'aria-controls': `panel-${p.id}`, 'aria-selected': 'false', tabindex: -1,
  onclick: () => { location.hash = p.id; },
}, p.title));
tabs.append(...buttons);
const sections = PANELS.map((p) => h('section', { role: 'tabpanel', id: `panel-${p.id}`, 'aria-labelledby': `tab-${p.id}`, hidden: true, tabindex: 0 }));
main.append(...sections);

// Arrow keys move between tabs (the ARIA tabs pattern); Enter/Space or focus-follows opens.
tabs.addEventListener('keydown', (e) => {
  const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
  const next = buttons[(i + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length]!;
  next.focus();
  next.click();
});

function open(): void {
  const wanted = PANELS.findIndex((p) => `#${p.id}` === location.hash);
  const index = wanted < 0 ? 0 : wanted;
  PANELS.forEach((p, i) => {
    const on = i === index;
    buttons[i]!.setAttribute('aria-selected', String(on));
    buttons[i]!.tabIndex = on ? 0 : -1;
    sections[i]!.hidden = !on;
    if (on && !mounted.has(p.id)) {
      mounted.add(p.id);
      Promise.resolve(p.mount(sections[i]!, engine)).catch((e: unknown) => {
        sections[i]!.append(h('p', { class: 'message error', role: 'alert' }, `this panel failed to start: ${e instanceof Error ? e.message : String(e)}`));
      });
    }
  });
}
window.addEventListener('hashchange', open);
open();

void showEngineStatus(info, engine);
