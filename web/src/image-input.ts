// Getting a person's image onto the page: file picker, drag and drop, or paste. The browser
// decodes it; anything it cannot decode, or too large, becomes a message instead of a freeze.
import { h } from './dom.js';

const MAX_FILE_BYTES = 40 * 1024 * 1024;
/** Larger images are shrunk to this longest side before they reach the engine. */
const MAX_SIDE = 512;
const MAX_PIXELS = 100e6;

export interface LoadedImage { image: ImageData; note: string }

/** Decodes a file or blob into RGBA pixels, downscaled so its longest side is at most `maxSide`. */
export async function decodeFile(file: Blob & { name?: string }, maxSide = MAX_SIDE): Promise<LoadedImage> {
  const name = file.name || 'the pasted image';
  if (file.size > MAX_FILE_BYTES) throw new Error(`${name} is ${(file.size / 1048576).toFixed(1)} MB; images up to ${MAX_FILE_BYTES / 1048576} MB are accepted`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${name} is not an image this browser can decode (${file.type || 'unknown type'}); use a PNG, JPEG, GIF or WebP file`);
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) throw new Error(`${name} is ${width}×${height} pixels, more than the ${MAX_PIXELS / 1e6} megapixels this page accepts`);
    const scale = Math.min(1, maxSide / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const hgt = Math.max(1, Math.round(height * scale));
    const canvas = new OffscreenCanvas(w, hgt);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0, w, hgt);
    const note = scale < 1 ? `${name}: downscaled from ${width}×${height} to ${w}×${hgt} pixels` : `${name}: ${width}×${height} pixels`;
    return { image: ctx.getImageData(0, 0, w, hgt), note };
  } finally {
    bitmap.close();
  }
}

/** A picker and drop zone (paste works while the panel is open); `onFile` gets each file chosen. */
export function imagePicker(id: string, panel: HTMLElement, onFile: (file: File) => void): HTMLElement {
  const input = h('input', { type: 'file', accept: 'image/*', id, 'data-testid': `${id}` });
  input.addEventListener('change', () => { if (input.files?.[0]) onFile(input.files[0]); input.value = ''; });
  const zone = h('div', { class: 'drop' }, h('label', { for: id }, 'Your own image: '), input, ' or drop one here, or paste (Ctrl+V).');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) onFile(f);
  });
  document.addEventListener('paste', (e) => {
    if (panel.closest('[hidden]')) return;
    const f = Array.from(e.clipboardData?.files ?? [])[0];
    if (f) onFile(f);
  });
  return zone;
}

/** Pixels onto a new canvas element. */
export function toCanvas(img: { width: number; height: number; data: Uint8ClampedArray }, testid?: string, scale = 1): HTMLCanvasElement {
  const c = h('canvas', { width: img.width, height: img.height, class: 'pixels', 'data-testid': testid });
  c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  if (scale !== 1) c.style.width = `${img.width * scale}px`;
  return c;
}
