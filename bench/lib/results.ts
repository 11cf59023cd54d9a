/**
 * The shape of a benchmark run: what `bench/run.ts` writes as JSON and what the table and charts
 * read. Plain data only (the browser page produces the same records and posts them back as JSON).
 */

export const SCHEMA = 'vit-bench/1';

export interface Stats {
  /** Milliseconds per call. */
  median: number;
  p90: number;
  min: number;
  /** Timed samples (each of `callsPerSample` calls). */
  samples: number;
  callsPerSample: number;
  /** Each warm-up call, ms (the first compiles shaders / packs weights). */
  warmupMs: number[];
}

/** Engine-wide tfjs memory around one call (tf.profile of a call after the timed samples). */
export interface MemoryStats {
  /** Bytes held before the call (weights, inputs, anything else alive). */
  bytesBefore: number;
  /** Highest `tf.memory().numBytes` seen during the call. */
  peakBytes: number;
  /** peakBytes − bytesBefore: what the call itself needed at its worst. */
  peakExtraBytes: number;
  tensorsBefore: number;
  /** Tensors alive during the call at its end, before the output is disposed. */
  newTensors: number;
  /** Tensors left behind once the output is disposed (0 unless something leaks). */
  leakedTensors: number;
  kernels: number;
}

export interface Check {
  /** What the output was compared with, e.g. 'torch logits' or 'hand-written tfjs'. */
  against: string;
  maxAbsDiff: number;
  tolerance: number;
  ok: boolean;
}

export type Status = 'ok' | 'failed' | 'skipped' | 'pending';

export type Runtime = 'tfjs' | 'onnxruntime-web' | 'onnxruntime-node';

/** One implementation of a workload on one backend. */
export interface CandidateResult {
  /** Unique within the workload: 'tfjs-wasm', 'tfjs-wasm hand-written', 'ort-web-1t', ... */
  key: string;
  runtime: Runtime;
  /** tfjs backend ('wasm' | 'webgpu' | 'cpu'), 'wasm-1t' / 'wasm-2t' for onnxruntime-web, 'cpu' for onnxruntime-node. */
  backend: string;
  /** 'ours' (our library), 'baseline' (what we are compared with), 'context' (shown, not compared). */
  role: 'ours' | 'baseline' | 'context';
  /** What exactly ran: 'ours', 'hand-written: transpose', 'ONNX graph: PyTorch export', ... */
  impl: string;
  status: Status;
  reason?: string;
  /** Ran on a software WebGPU adapter: correctness only, never a WebGPU speed. */
  software?: boolean;
  stats?: Stats;
  memory?: MemoryStats;
  check?: Check;
}

export type Group = 'einops' | 'vit-forward' | 'train-step' | 'distill-step';

export interface WorkloadResult {
  id: string;
  group: Group;
  title: string;
  /** Images per call, for throughput (ViT forward batch, training batch). */
  items?: number;
  status: Status;
  reason?: string;
  candidates: CandidateResult[];
}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** A CPU implementation (llvmpipe, lavapipe, softpipe, SwiftShader, or a fallback adapter). */
  isSoftware: boolean;
  featureLevel?: string;
  /** Node only: Dawn's backend (e.g. 'opengles', 'vulkan', 'default'). */
  dawnBackend?: string;
}

export interface BackendInfo {
  /** 'tfjs-wasm', 'tfjs-webgpu', 'tfjs-cpu', 'ort-web-1t', 'ort-web-2t', 'ort-node'. */
  key: string;
  runtime: Runtime;
  version: string;
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  /** WASM backends. */
  simd?: boolean;
  threads?: number;
  /** tfjs-wasm: whether the threaded build could run (tfjs then uses min(4, cores / 2) threads). */
  multithread?: boolean;
  /** WebGPU. */
  adapter?: AdapterInfo;
  /** 'software — correctness only' on a software WebGPU adapter. */
  label?: string;
}

export interface EnvironmentInfo {
  /** 'node' or 'chromium'. */
  name: string;
  /** 'Node v20.20.2', 'Chromium 156.0.8078.79'. */
  runtime: string;
  userAgent?: string;
  cpu: { model: string; cores: number; loadAverage?: number[] };
  platform: string;
  crossOriginIsolated?: boolean;
  backends: BackendInfo[];
}

export interface EnvironmentRun {
  env: EnvironmentInfo;
  status: 'ok' | 'failed';
  reason?: string;
  durationMs: number;
  workloads: WorkloadResult[];
}

/** Our generated ONNX graph against the PyTorch export, same weights (ViT-Ti/16). */
export interface GraphCheck {
  /** Environment ('node', 'chromium'). */
  env: string;
  model: string;
  runtime: string;
  batch: number;
  pytorchExport: { medianMs: number; p90Ms: number; maxAbsDiffVsTorch: number };
  generated: { medianMs: number; p90Ms: number; maxAbsDiffVsTorch: number };
  /** generated median / PyTorch-export median (≤ ~1: our graph does not handicap the peer). */
  ratio: number;
}

export interface BenchRun {
  schema: typeof SCHEMA;
  date: string;
  quick: boolean;
  command: string;
  durationMs: number;
  host: { cpu: string; cores: number; memoryGiB: number; os: string };
  environments: EnvironmentRun[];
  graphChecks: GraphCheck[];
}
