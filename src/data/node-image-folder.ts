// An image-folder dataset (torchvision's ImageFolder): root/<class>/<image>.png|jpg, classes in
// sorted folder order. Node-only: pngjs decodes through node:zlib.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ArrayDataset } from './dataset.js';

export interface ImageFolderOptions {
  /** 1 (grayscale, ITU-R 601 luma) or 3 (RGB). Default 3. */
  channels?: 1 | 3;
}

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

interface Rgba { width: number; height: number; data: Uint8Array }

function decode(path: string): Rgba {
  const bytes = readFileSync(path);
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.png') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new Error(`imageFolder: cannot decode ${path} as ${ext === '.png' ? 'PNG' : 'JPEG'}: ${(e as Error).message}`);
  }
}

/**
 * Loads every PNG/JPEG under root/<class>/ into [channels, H, W] samples in [0, 1]; all images
 * must share one size.
 * @example const ds = loadImageFolder('photos', { channels: 3 }); ds.classNames // ['cat', 'dog']
 */
export function loadImageFolder(root: string, opts: ImageFolderOptions = {}): ArrayDataset {
  const channels = opts.channels ?? 3;
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`imageFolder: ${root} is not a directory`);
  const classes = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory()).sort();
  if (classes.length === 0) throw new Error(`imageFolder: ${root} has no class sub-folders (expected root/<class>/<image>)`);
  const files: { path: string; label: number }[] = [];
  classes.forEach((c, label) => {
    const dir = join(root, c);
    const images = readdirSync(dir).filter((f) => EXTENSIONS.has(extname(f).toLowerCase())).sort();
    if (images.length === 0) throw new Error(`imageFolder: class folder ${dir} is empty (no .png, .jpg or .jpeg files)`);
    for (const f of images) files.push({ path: join(dir, f), label });
  });
  let size: [number, number] | null = null;
  let data = new Float32Array(0);
  const labels = new Int32Array(files.length);
  files.forEach(({ path, label }, k) => {
    const img = decode(path);
    if (!size) {
      size = [img.height, img.width];
      data = new Float32Array(files.length * channels * img.height * img.width);
    } else if (img.height !== size[0] || img.width !== size[1]) {
      throw new Error(`imageFolder: ${path} is ${img.width}×${img.height}, but the first image is ${size[1]}×${size[0]}; ` +
        'all images must have the same size');
    }
    const plane = img.height * img.width;
    const o = k * channels * plane;
    for (let i = 0; i < plane; i++) {
      const r = img.data[4 * i]! / 255, g = img.data[4 * i + 1]! / 255, b = img.data[4 * i + 2]! / 255;
      if (channels === 1) data[o + i] = 0.299 * r + 0.587 * g + 0.114 * b;
      else { data[o + i] = r; data[o + plane + i] = g; data[o + 2 * plane + i] = b; }
    }
    labels[k] = label;
  });
  const [h, w] = size!;
  return new ArrayDataset(data, [channels, h, w], labels, classes.length, classes, root);
}
