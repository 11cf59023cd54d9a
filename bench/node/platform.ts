/** The Node environment: files from disk, WebGPU from Dawn, onnxruntime-node and -web peers. */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Platform } from '../lib/platform.js';
import { assetPath } from '../lib/paths.js';
import { installDawnGpu } from '../lib/webgpu-node.js';
import { createNodePeers } from './peers.js';

export function nodeCpu(): { model: string; cores: number; loadAverage: number[] } {
  return {
    model: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export const nodePlatform: Platform = {
  assets: {
    async bytes(name) {
      const buffer = await readFile(assetPath(name));
      // A buffer of its own (small files can sit in Node's shared pool).
      return buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength ? buffer : Uint8Array.prototype.slice.call(buffer);
    },
  },
  describe: () => ({
    name: 'node',
    runtime: `Node ${process.version}`,
    cpu: nodeCpu(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  }),
  installGpu: installDawnGpu,
  createPeers: createNodePeers,
  log: (line) => console.log(line),
};
