/** Decodes PNG and JPEG files (pngjs, jpeg-js: pure JS) to RGB pixels, and resizes them. */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbImage } from './resize.js';

export { resizeImage, type RgbImage } from './resize.js';

export function decodeImage(bytes: Uint8Array, name = 'image'): RgbImage {
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) rgba = PNG.sync.read(Buffer.from(bytes));
    else if (bytes[0] === 0xff && bytes[1] === 0xd8) rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    else throw new Error('not a PNG or JPEG file');
  } catch (e) {
    throw new Error(`cannot decode ${name}: ${(e as Error).message}`);
  }
  const data = new Uint8Array(rgba.width * rgba.height * 3);
  for (let p = 0; p < rgba.width * rgba.height; p++) {
    data[p * 3] = rgba.data[p * 4]!;
    data[p * 3 + 1] = rgba.data[p * 4 + 1]!;
    data[p * 3 + 2] = rgba.data[p * 4 + 2]!;
  }
  return { width: rgba.width, height: rgba.height, data };
}

export function readImage(file: string): RgbImage {
  return decodeImage(readFileSync(file), file);
}

export function encodePng(image: RgbImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  for (let p = 0; p < image.width * image.height; p++) {
    png.data[p * 4] = image.data[p * 3]!;
    png.data[p * 4 + 1] = image.data[p * 3 + 1]!;
    png.data[p * 4 + 2] = image.data[p * 3 + 2]!;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

export function encodeJpeg(image: RgbImage, quality = 95): Uint8Array {
  const rgba = new Uint8Array(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) {
    rgba.set(image.data.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width: image.width, height: image.height }, quality).data;
}
