/** The peers in Node: onnxruntime-node in process, onnxruntime-web with 1 and 2 threads in worker threads. */
import { Worker } from 'node:worker_threads';
import { createOrtNodePeer } from '../peers/ort-node.js';
import { createOrtWebPeer, type WorkerPort } from '../peers/ort-web-protocol.js';
import type { OnnxPeer } from '../peers/peer.js';

/** A worker thread running a TypeScript module (through tsx, as this process does). */
function tsWorker(url: URL): WorkerPort {
  const source = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(url.href)});`;
  const worker = new Worker(source, { eval: true });
  return {
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => {
      worker.on('error', listener);
      worker.on('exit', (code) => { if (code !== 0) listener(new Error(`worker exited with code ${code}`)); });
    },
    terminate: async () => { await worker.terminate(); },
  };
}

export function createNodePeers(): OnnxPeer[] {
  const ortWeb = (threads: number) => createOrtWebPeer(threads, tsWorker(new URL('../peers/ort-web-worker.node.ts', import.meta.url)));
  return [ortWeb(1), ortWeb(2), createOrtNodePeer()];
}
