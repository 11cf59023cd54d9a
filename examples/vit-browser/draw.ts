/** Draws the input image and the attention heat map over it. */
import { rgbaFromRgb, type RgbImage } from '@vit/cli/browser';

/** The image on a canvas of its own size (scale it up with CSS). */
function imageCanvas(image: RgbImage): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')!.putImageData(new ImageData(rgbaFromRgb(image), image.width, image.height), 0, 0);
  return canvas;
}

/** Small images (32×32 datasets) stay crisp; photos are smoothed. */
function drawScaled(target: HTMLCanvasElement, source: HTMLCanvasElement, smooth: boolean): void {
  const context = target.getContext('2d')!;
  context.imageSmoothingEnabled = smooth;
  context.clearRect(0, 0, target.width, target.height);
  context.drawImage(source, 0, 0, target.width, target.height);
}

export function drawImage(target: HTMLCanvasElement, image: RgbImage): void {
  drawScaled(target, imageCanvas(image), Math.max(image.width, image.height) > target.width / 2);
}

/** Black-red-yellow-white, like matplotlib's 'inferno' in spirit. t in [0, 1]. */
function heatColor(t: number): [number, number, number] {
  const c = (x: number) => Math.round(255 * Math.min(Math.max(x, 0), 1));
  return [c(t * 3), c(t * 3 - 1), c(t * 3 - 2)];
}

/** The image, dimmed, with the attention map stretched to [0, 1] (minimum to maximum) laid over it. */
export function drawAttention(target: HTMLCanvasElement, image: RgbImage, attention: number[][]): void {
  drawImage(target, image);
  const context = target.getContext('2d')!;
  const rows = attention.length;
  const cols = attention[0]?.length ?? 0;
  const values = attention.flat();
  const min = Math.min(...values);
  const range = Math.max(Math.max(...values) - min, 1e-12);
  const heat = document.createElement('canvas');
  heat.width = cols;
  heat.height = rows;
  const pixels = new ImageData(cols, rows);
  values.forEach((v, p) => {
    const t = (v - min) / range;
    pixels.data.set([...heatColor(t), Math.round(40 + 170 * t)], p * 4);
  });
  heat.getContext('2d')!.putImageData(pixels, 0, 0);
  context.fillStyle = 'rgba(0, 0, 0, 0.35)';
  context.fillRect(0, 0, target.width, target.height);
  context.imageSmoothingEnabled = true; // a smooth map: patches are a coarse grid
  context.drawImage(heat, 0, 0, target.width, target.height);
}
