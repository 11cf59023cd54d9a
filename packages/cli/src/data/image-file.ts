/** Decodes PNG and JPEG files (pngjs, jpeg-js: pure JS) to RGB pixels, and resizes them. */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { rgbaFromRgb, rgbFromRgba, type RgbImage } from './resize.js';

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
  return rgbFromRgba(rgba.data, rgba.width, rgba.height);
}

export function readImage(file: string): RgbImage {
  return decodeImage(readFileSync(file), file);
}

export function encodePng(image: RgbImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data.set(rgbaFromRgb(image));
  return PNG.sync.write(png);
}

export function encodeJpeg(image: RgbImage, quality = 95): Uint8Array {
  return jpeg.encode({ data: rgbaFromRgb(image), width: image.width, height: image.height }, quality).data;
}
