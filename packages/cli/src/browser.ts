/**
 * `@vit/cli/browser`: what a web page needs to use checkpoints written by `vit train` / `vit distill`
 * (no Node APIs): read one from bytes, build its model, and turn images into its input exactly as
 * `vit predict` does. examples/vit-browser is built on it.
 */
export { CHECKPOINT_FORMAT, checkpointModel, decodeCheckpoint, encodeCheckpoint, type CheckpointMeta, type DecodedCheckpoint } from './checkpoint-format.js';
export { buildModel, specImageSize, specNumClasses, type ClassifierModule, type ModelSpec } from './models.js';
export { HALF_NORMALIZATION, type Normalization } from './data/augment.js';
export { imageBatch } from './data/preprocess.js';
export { resizeImage, rgbaFromRgb, rgbFromRgba, type RgbImage } from './data/resize.js';
export { topClasses, type ClassProbability } from './predictions.js';
export { generateShapes10, SHAPES10_CLASSES } from './data/synthetic.js';
export type { ImageDataset } from './data/dataset.js';
