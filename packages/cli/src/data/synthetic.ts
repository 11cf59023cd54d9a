/**
 * "shapes10", the dataset the project generates (no download): 32×32 RGB images of ten procedurally
 * drawn classes — five shapes and five textures — in random colours, sizes and positions, over
 * noisy backgrounds with a distractor blob. A small ViT learns it to a clearly non-trivial accuracy
 * in minutes on two CPU cores; it is far from trivial for a linear model. Fully determined by a seed.
 */
import type { ImageDataset } from './dataset.js';
import { gaussian, mulberry32, randint, type Random } from './random.js';

export const SHAPES10_CLASSES = [
  'disk', 'square', 'triangle', 'ring', 'cross', 'h-stripes', 'v-stripes', 'checkerboard', 'diagonal', 'dots',
] as const;

export interface SyntheticOptions {
  count: number;
  seed: number;
  size?: number;
  /** Pixel noise standard deviation (0..255 scale). */
  noise?: number;
}

type Mask = (x: number, y: number) => boolean;

/** The class's membership test at pixel (x, y), with its random geometry drawn from `random`. */
function shapeMask(label: number, size: number, random: Random): Mask {
  const cx = size / 2 + (random() - 0.5) * size * 0.35;
  const cy = size / 2 + (random() - 0.5) * size * 0.35;
  const r = size * (0.18 + random() * 0.14);
  const period = randint(random, 3, 6);
  const phase = randint(random, 0, period);
  const inBox = (x: number, y: number): boolean => Math.abs(x - cx) <= r * 1.2 && Math.abs(y - cy) <= r * 1.2;
  switch (label) {
    case 0: return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
    case 1: return (x, y) => Math.abs(x - cx) <= r * 0.85 && Math.abs(y - cy) <= r * 0.85;
    case 2: return (x, y) => y - cy <= r * 0.8 && y - cy >= -r && Math.abs(x - cx) <= ((y - cy + r) / (1.8 * r)) * r;
    case 3: {
      const inner = r * (0.45 + random() * 0.15);
      return (x, y) => {
        const d = (x - cx) ** 2 + (y - cy) ** 2;
        return d <= r * r && d >= inner * inner;
      };
    }
    case 4: {
      const arm = r * 0.3;
      return (x, y) => (Math.abs(x - cx) <= arm && Math.abs(y - cy) <= r) || (Math.abs(y - cy) <= arm && Math.abs(x - cx) <= r);
    }
    case 5: return (x, y) => inBox(x, y) && (Math.floor(y) + phase) % period < period / 2;
    case 6: return (x, y) => inBox(x, y) && (Math.floor(x) + phase) % period < period / 2;
    case 7: return (x, y) => inBox(x, y) && (Math.floor(x / period) + Math.floor(y / period)) % 2 === 0;
    case 8: {
      const sign = random() < 0.5 ? 1 : -1;
      return (x, y) => inBox(x, y) && Math.abs((x - cx) - sign * (y - cy)) <= r * 0.25;
    }
    default: return (x, y) => inBox(x, y) && (Math.floor(x) + phase) % period === 0 && (Math.floor(y) + phase) % period === 0;
  }
}

function randomColour(random: Random): [number, number, number] {
  return [randint(random, 0, 256), randint(random, 0, 256), randint(random, 0, 256)];
}

/** Generates `count` images with balanced labels (label i % 10), shuffled deterministically. */
export function generateShapes10({ count, seed, size = 32, noise = 24 }: SyntheticOptions): ImageDataset {
  const random = mulberry32(seed);
  const channels = 3;
  const pixels = new Uint8Array(count * size * size * channels);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % SHAPES10_CLASSES.length;
  for (let i = count - 1; i > 0; i--) {
    const j = randint(random, 0, i + 1);
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  for (let i = 0; i < count; i++) {
    const background = randomColour(random);
    let foreground = randomColour(random);
    // Keep the figure visible: at least some contrast with the background.
    while (Math.abs(foreground[0] + foreground[1] + foreground[2] - background[0] - background[1] - background[2]) < 150) {
      foreground = randomColour(random);
    }
    const mask = shapeMask(labels[i]!, size, random);
    const blob = { x: random() * size, y: random() * size, r: 1.5 + random() * 2.5, colour: randomColour(random) };
    const base = i * size * size * channels;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inBlob = (x - blob.x) ** 2 + (y - blob.y) ** 2 <= blob.r ** 2;
        const colour = mask(x + 0.5, y + 0.5) ? foreground : inBlob ? blob.colour : background;
        for (let c = 0; c < channels; c++) {
          const v = colour[c]! + gaussian(random) * noise;
          pixels[base + (y * size + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
  }
  return { name: 'shapes10', classNames: SHAPES10_CLASSES, pixels, labels, height: size, width: size, channels };
}
