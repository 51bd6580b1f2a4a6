// The playground's sample images (web/public/samples/), drawn here so their licence is the
// project's own: a geometric test card, a small synthetic landscape, and a Fashion-MNIST
// sneaker enlarged (Fashion-MNIST: MIT, © 2017 Zalando SE). Run: npx tsx scripts/make-web-samples.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodePng, resizeImage, type RawImage } from '../src/image/codec.js';
import { loadFashionMnist } from '../src/data/index.js';

const OUT = new URL('../web/public/samples/', import.meta.url);

function draw(width: number, height: number, colour: (x: number, y: number) => [number, number, number]): RawImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(colour(x, y), (y * width + x) * 3);
  return { width, height, channels: 3, pixels };
}

// Circles, squares, a triangle and stripes at several angles: edges in every direction.
const testCard = draw(192, 192, (x, y) => {
  if ((x - 52) ** 2 + (y - 52) ** 2 < 34 ** 2) return [0, 114, 178];
  if (x > 110 && x < 170 && y > 22 && y < 82) return [230, 159, 0];
  if (y > 110 && y < 175 && Math.abs(x - 52) < (y - 110) / 1.6) return [0, 158, 115];
  if (x > 105 && y > 105 && x < 180 && y < 180) return Math.floor((x + y) / 8) % 2 ? [40, 40, 40] : [235, 235, 235];
  return Math.floor(x / 12) % 2 ? [250, 250, 250] : [215, 215, 215];
});

// Sky, sun, two hills, a house with a door and windows.
const landscape = draw(224, 160, (x, y) => {
  const hill1 = 105 + 18 * Math.sin(x / 28);
  const hill2 = 120 + 12 * Math.cos(x / 19 + 1);
  if (x > 130 && x < 190 && y > 82 && y < 132) {
    if ((x > 140 && x < 156 && y > 92 && y < 106) || (x > 166 && x < 182 && y > 92 && y < 106)) return [86, 180, 233];
    if (x > 153 && x < 168 && y > 110) return [90, 50, 20];
    return [200, 120, 90];
  }
  if (y > 50 && y <= 82 && Math.abs(x - 160) < (y - 50) * 1.1) return [150, 40, 30];
  if (y > hill2) return [40, 110 + (y % 7) * 4, 50];
  if (y > hill1) return [70, 140, 60];
  if ((x - 50) ** 2 + (y - 38) ** 2 < 18 ** 2) return [250, 210, 60];
  return [120 + y / 2, 170 + y / 3, 235];
});

const fashion = await loadFashionMnist({ split: 'test' });
const sneaker = fashion.labels.indexOf(7);
const item: RawImage = {
  width: 28, height: 28, channels: 1,
  pixels: Uint8Array.from(fashion.data.subarray(sneaker * 784, (sneaker + 1) * 784), (v) => Math.round(v * 255)),
};

mkdirSync(OUT, { recursive: true });
for (const [name, img] of [['test-card', testCard], ['landscape', landscape], ['sneaker', resizeImage(item, 140, 140)]] as const) {
  writeFileSync(new URL(`${name}.png`, OUT), encodePng(img));
}
console.log(`samples written to ${OUT.pathname}`);
