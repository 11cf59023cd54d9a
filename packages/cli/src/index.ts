/** @vit/cli as a library: the data loaders and training loop behind the `vit` command. */
export { generateShapes10, SHAPES10_CLASSES } from './data/synthetic.js';
export { loadCifar10, encodeCifar10, CIFAR10_CLASSES } from './data/cifar10.js';
export { loadImageFolder } from './data/folder.js';
export { decodeImage, encodePng, encodeJpeg, resizeImage, type RgbImage } from './data/image-file.js';
export { makeBatch, shuffledIndices, HALF_NORMALIZATION, type Normalization, type AugmentOptions } from './data/augment.js';
export type { ImageDataset } from './data/dataset.js';
export { mulberry32 } from './data/random.js';
export { trainLoop, type LoopOptions } from './train/loop.js';
export { evaluate } from './train/evaluate.js';
export { runTraining } from './train/run-train.js';
export { runDistillation } from './train/run-distill.js';
export { GroupedAdamW } from './train/optimizer.js';
export { saveCheckpoint, readCheckpoint, loadCheckpointModel } from './checkpoint.js';
export { checkpointModel, decodeCheckpoint, encodeCheckpoint, CHECKPOINT_FORMAT, type CheckpointMeta } from './checkpoint-format.js';
export { imageBatch } from './data/preprocess.js';
export { topClasses, type ClassProbability } from './predictions.js';
export { buildModel, type ModelSpec } from './models.js';
