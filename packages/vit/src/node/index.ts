/**
 * Node entry of @vit/core: everything from the main entry, plus file helpers and a `setBackend`
 * that can run webgpu in Node (through the `webgpu` npm package's Dawn).
 */
export * from '../index.js';
export { readSafetensorsFile, writeSafetensorsFile, loadSafetensorsFile, saveSafetensorsFile } from './files.js';
export { setBackend, type NodeSetBackendOptions } from './backend.js';
export { readNpzFile, readCheckpointFile, loadPretrainedFile } from './checkpoints.js';
