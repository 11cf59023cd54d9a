/** An in-memory image classification dataset: uint8 HWC images, int labels, class names. */
export interface ImageDataset {
  readonly name: string;
  readonly classNames: readonly string[];
  /** Pixels, image after image, each height × width × channels (HWC), 0..255. */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export function datasetSize(d: ImageDataset): number {
  return d.labels.length;
}

/** Checks that the arrays agree with the stated shape and class count. */
export function validateDataset(d: ImageDataset): ImageDataset {
  const n = d.labels.length;
  if (d.pixels.length !== n * d.height * d.width * d.channels) {
    throw new Error(`dataset ${d.name}: ${d.pixels.length} pixel values for ${n} images of ${d.height}x${d.width}x${d.channels}`);
  }
  for (const label of d.labels) {
    if (!(label >= 0 && label < d.classNames.length)) throw new Error(`dataset ${d.name}: label ${label} outside 0..${d.classNames.length - 1}`);
  }
  return d;
}
