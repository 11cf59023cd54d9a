/** Image folders: `root/<class>/<file>.png|jpg`, classes sorted by name (torchvision's ImageFolder). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ImageDataset } from './dataset.js';
import { readImage, resizeImage } from './image-file.js';

const IMAGE_FILE = /\.(png|jpe?g)$/i;

export function loadImageFolder(root: string, size: number): ImageDataset {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`image folder ${root} does not exist`);
  const classNames = readdirSync(root).filter((d) => statSync(path.join(root, d)).isDirectory()).sort();
  if (classNames.length === 0) throw new Error(`image folder ${root} has no class subfolders (expected root/<class>/<image>.png|jpg)`);
  const files: Array<[string, number]> = [];
  classNames.forEach((name, label) => {
    for (const file of readdirSync(path.join(root, name)).sort()) {
      if (IMAGE_FILE.test(file)) files.push([path.join(root, name, file), label]);
    }
  });
  if (files.length === 0) throw new Error(`image folder ${root} has no .png / .jpg images`);
  const pixels = new Uint8Array(files.length * size * size * 3);
  const labels = new Int32Array(files.length);
  files.forEach(([file, label], i) => {
    pixels.set(resizeImage(readImage(file), size, size).data, i * size * size * 3);
    labels[i] = label;
  });
  return { name: path.basename(root), classNames, pixels, labels, height: size, width: size, channels: 3 };
}
