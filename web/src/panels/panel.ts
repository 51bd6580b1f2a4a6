import type { Engine } from '../engine.js';

/** One panel of the page: built the first time its tab opens. */
export interface Panel {
  id: string;
  title: string;
  mount(root: HTMLElement, engine: Engine): void | Promise<void>;
}
