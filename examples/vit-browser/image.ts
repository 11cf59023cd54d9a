/** Images from files and from the built-in dataset, as RGB pixels (what `vit predict` reads from PNG / JPEG). */
import { generateShapes10, rgbFromRgba, type RgbImage } from '@vit/cli/browser';

/** Decodes any image the browser can (PNG, JPEG, WebP, ...) at its own size, without colour conversion. */
export async function decodeImageFile(file: Blob): Promise<RgbImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`cannot decode ${file instanceof File ? file.name : 'the image'}: not an image this browser can read`);
  }
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return rgbFromRgba(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
}

/** One image of shapes10, the dataset `npm start` trains on, and its true class. */
export function shapes10Sample(seed: number, size = 32): { image: RgbImage; label: string } {
  // The generator balances labels over a set (label i % 10, shuffled): draw ten, keep one.
  const set = generateShapes10({ count: 10, seed, size });
  const i = seed % 10;
  const bytes = size * size * 3;
  return { image: { width: size, height: size, data: set.pixels.slice(i * bytes, (i + 1) * bytes) }, label: set.classNames[set.labels[i]!]! };
}
