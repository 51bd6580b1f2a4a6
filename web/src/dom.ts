// Small DOM helpers shared by the panels: element creation, number matrices as tables, labelled
// inputs and the message line where errors appear.

type Attrs = Record<string, string | number | boolean | ((e: Event) => void) | undefined>;
type Child = Node | string | number | null | undefined | false;

/** Creates an element; `on*` attributes become listeners, booleans toggle attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  el.append(...children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'number' ? String(c) : c)));
  return el;
}

/** A number the way a person reads it: integers as they are, others to 4 significant digits. */
export const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString());
export const thousands = (n: number): string => n.toLocaleString('en-US');

export interface MatrixOptions {
  caption?: string;
  testid?: string;
  /** Cells to mark (a class, so the mark is a border and a colour, not colour alone). */
  mark?: (i: number, j: number) => boolean;
  markRow?: number;
}

/** A matrix as a table, one cell per number. */
export function matrix(rows: readonly (readonly number[])[], opts: MatrixOptions = {}): HTMLTableElement {
  const table = h('table', { class: 'matrix', 'data-testid': opts.testid });
  if (opts.caption) table.append(h('caption', {}, opts.caption));
  rows.forEach((row, i) => {
    const tr = h('tr', { class: opts.markRow === i ? 'marked-row' : undefined });
    row.forEach((v, j) => tr.append(h('td', { class: opts.mark?.(i, j) ? 'marked' : undefined }, fmt(v))));
    table.append(tr);
  });
  return table;
}

/** A labelled range or number input that calls `onInput` with its value. */
export function numberField(label: string, opts: { value: number; min: number; max: number; step?: number; range?: boolean; id: string },
  onInput: (v: number) => void): HTMLLabelElement {
  const input = h('input', {
    type: opts.range ? 'range' : 'number', id: opts.id, value: opts.value, min: opts.min, max: opts.max, step: opts.step ?? 1,
  });
  const shown = h('output', { for: opts.id }, String(opts.value));
  input.addEventListener('input', () => {
    shown.textContent = input.value;
    onInput(Number(input.value));
  });
  return h('label', { class: 'field' }, h('span', {}, label), input, opts.range ? shown : null);
}

/** The panel's message line: errors in a live region, so screen readers announce them too. */
export function messageLine(testid: string): { el: HTMLElement; show(e: unknown): void; info(text: string): void; clear(): void } {
  const el = h('p', { class: 'message', role: 'alert', 'data-testid': testid });
  return {
    el,
    show: (e) => { el.className = 'message error'; el.textContent = e instanceof Error ? e.message : String(e); },
    info: (text) => { el.className = 'message info'; el.textContent = text; },
    clear: () => { el.className = 'message'; el.textContent = ''; },
  };
}

/** Runs `fn` at most once per animation frame's worth of typing: the last call wins. */
export function latest<T>(fn: (arg: T) => Promise<void>): (arg: T) => void {
  let running = false;
  let queued: { arg: T } | null = null;
  const run = async (arg: T): Promise<void> => {
    running = true;
    try { await fn(arg); } finally {
      running = false;
      if (queued) { const q = queued; queued = null; void run(q.arg); }
    }
  };
  return (arg) => { if (running) queued = { arg }; else void run(arg); };
}
