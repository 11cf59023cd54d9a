/**
 * onnxruntime-web in a worker: the messages, the worker side (`serveOrtWeb`, given the runtime
 * module and a way to reply) and the main-thread side (`createOrtWebPeer`, given a port to the
 * worker). The same code runs in Node (worker_threads) and in browsers (Web Workers).
 */
import type * as Ort from 'onnxruntime-web';
import type { BackendInfo } from '../lib/results.js';
import type { OnnxPeer } from './peer.js';

type Op =
  | { op: 'init'; threads: number }
  | { op: 'open'; session: string; onnx: Uint8Array }
  | { op: 'setInput'; session: string; name: string; data: Float32Array; dims: number[] }
  | { op: 'run'; session: string; calls: number }
  | { op: 'output'; session: string }
  | { op: 'close'; session: string };
export type Request = Op & { id: number };
export type Response = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

export interface WorkerPort {
  post(message: Request, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: Response) => void): void;
  onError(listener: (error: Error) => void): void;
  terminate(): Promise<void> | void;
}

/** Worker side: returns the message handler. */
export function serveOrtWeb(ort: typeof Ort, reply: (message: Response, transfer?: ArrayBuffer[]) => void): (message: Request) => void {
  const sessions = new Map<string, { session: Ort.InferenceSession; feeds: Record<string, Ort.Tensor>; last?: Float32Array }>();
  const get = (id: string) => {
    const s = sessions.get(id);
    if (s === undefined) throw new Error(`ort-web: no session '${id}'`);
    return s;
  };
  const info = (): Partial<BackendInfo> => ({
    version: ort.env.versions.web ?? '?',
    threads: ort.env.wasm.numThreads ?? 1,
    simd: ort.env.wasm.simd !== false,
  });
  const handle = async (m: Request): Promise<unknown> => {
    switch (m.op) {
      case 'init':
        ort.env.wasm.numThreads = m.threads;
        ort.env.wasm.proxy = false;
        return undefined;
      case 'open': {
        const session = await ort.InferenceSession.create(m.onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
        sessions.set(m.session, { session, feeds: {} });
        return info();
      }
      case 'setInput': {
        const s = get(m.session);
        s.feeds = { [m.name]: new ort.Tensor('float32', m.data, m.dims) };
        delete s.last;
        return undefined;
      }
      case 'run': {
        const s = get(m.session);
        let out: Ort.InferenceSession.ReturnType | undefined;
        for (let i = 0; i < m.calls; i++) out = await s.session.run(s.feeds);
        if (out !== undefined) s.last = Object.values(out)[0]!.data as Float32Array;
        return undefined;
      }
      case 'output': {
        // The last timed run's output (no extra run), else one run.
        const s = get(m.session);
        const last = s.last ?? (Object.values(await s.session.run(s.feeds))[0]!.data as Float32Array);
        return Float32Array.from(last);
      }
      case 'close':
        await sessions.get(m.session)?.session.release();
        sessions.delete(m.session);
        return undefined;
    }
  };
  return (m) => {
    handle(m).then(
      (value) => reply({ id: m.id, ok: true, value }, value instanceof Float32Array ? [value.buffer as ArrayBuffer] : []),
      (err: unknown) => reply({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  };
}

/** Main-thread side. */
export function createOrtWebPeer(threads: number, port: WorkerPort): OnnxPeer {
  const key = `ort-web-${threads}t`;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  let described: Partial<BackendInfo> = {};
  let broken: Error | undefined;
  port.onMessage((m) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.value);
    else p?.reject(new Error(`${key}: ${m.error}`));
  });
  port.onError((err) => {
    broken = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  const call = <T>(op: Op, transfer: ArrayBuffer[] = []): Promise<T> => {
    if (broken !== undefined) return Promise.reject(broken);
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      port.post({ ...op, id } as Request, transfer);
    });
  };
  const ready = call<void>({ op: 'init', threads });
  return {
    key,
    runtime: 'onnxruntime-web',
    backend: `wasm-${threads}t`,
    info: (): BackendInfo => ({
      key, runtime: 'onnxruntime-web', version: described.version ?? '?', status: broken ? 'failed' : 'ok',
      ...(broken ? { reason: broken.message } : {}), threads: described.threads ?? threads, simd: described.simd ?? true,
    }),
    async open(session, onnx) {
      await ready;
      // Transfer a buffer of its own (never a Node Buffer's shared pool).
      const own = onnx.byteOffset === 0 && onnx.byteLength === onnx.buffer.byteLength ? onnx : Uint8Array.prototype.slice.call(onnx);
      described = await call<Partial<BackendInfo>>({ op: 'open', session, onnx: own }, [own.buffer as ArrayBuffer]);
    },
    setInput: (session, name, data, dims) => call<void>({ op: 'setInput', session, name, data, dims }),
    run: (session, calls) => call<void>({ op: 'run', session, calls }),
    output: (session) => call<Float32Array>({ op: 'output', session }),
    close: (session) => call<void>({ op: 'close', session }),
    async dispose() {
      await port.terminate();
    },
  };
}
