/** onnxruntime-node (native CPU execution provider) as a peer, in this process. Node only. */
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import type { BackendInfo } from '../lib/results.js';
import type { OnnxPeer } from './peer.js';

interface Session {
  session: ort.InferenceSession;
  feeds: Record<string, ort.Tensor>;
  /** The last run's first output. */
  last?: Float32Array;
}

export function createOrtNodePeer(threads = os.availableParallelism()): OnnxPeer {
  const sessions = new Map<string, Session>();
  const get = (id: string): Session => {
    const s = sessions.get(id);
    if (s === undefined) throw new Error(`ort-node: no session '${id}'`);
    return s;
  };
  const runOnce = async (s: Session): Promise<Float32Array> => {
    const out = await s.session.run(s.feeds);
    s.last = Object.values(out)[0]!.data as Float32Array;
    return s.last;
  };
  return {
    key: 'ort-node',
    runtime: 'onnxruntime-node',
    backend: 'cpu',
    info: (): BackendInfo => ({ key: 'ort-node', runtime: 'onnxruntime-node', version: ort.env.versions.node ?? '?', status: 'ok', threads, simd: true }),
    async open(id, onnx) {
      const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
      sessions.set(id, { session, feeds: {} });
    },
    async setInput(id, name, data, dims) {
      const s = get(id);
      s.feeds = { [name]: new ort.Tensor('float32', data, dims) };
      delete s.last;
    },
    async run(id, calls) {
      const s = get(id);
      for (let i = 0; i < calls; i++) await runOnce(s);
    },
    async output(id) {
      const s = get(id);
      return Float32Array.from(s.last ?? await runOnce(s));
    },
    async close(id) {
      await sessions.get(id)?.session.release();
      sessions.delete(id);
    },
    async dispose() {
      for (const id of [...sessions.keys()]) await this.close(id);
    },
  };
}
