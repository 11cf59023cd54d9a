/**
 * ViT forward (Ti/16, S/16, B/16 at 224, batch 1 and 8): our ViT on each tfjs backend, and the ONNX
 * peers on the same weights, interleaved with tfjs-wasm. Every output is checked against the
 * model's reference logits (torch's for Ti/16, ours from the preparation step for S/16 and B/16).
 * On Ti/16 the peers also run our generated graph next to the PyTorch export (context rows), so
 * the report shows that our ONNX writer does not handicap them.
 */
import type { ViT } from '@vit/core';
import type { ActiveBackend } from '../lib/backends.js';
import { profileMemory } from '../lib/memory.js';
import type { Assets } from '../lib/platform.js';
import type { CandidateResult } from '../lib/results.js';
import { measure, tfjsRunner, type Runner } from '../lib/timing.js';
import type { OnnxPeer } from '../peers/peer.js';
import { floats, inputTensor, loadViT, MODELS, type ModelName, type ModelSpec } from './models.js';
import { check, fromMeasured, tfjsKey, type RunContext, type Workload } from './workload.js';

/** Where each backend runs which forward workloads, and why not elsewhere. */
function runsOn(model: ModelName, batch: number, backend: ActiveBackend): true | string {
  const smallest = model === 'vit_ti16' && batch === 1;
  if (backend.software && !smallest) return 'software WebGPU adapter: only einops and ViT-Ti/16 batch 1 (correctness)';
  if (backend.name === 'cpu' && !smallest) return 'tfjs cpu backend: too slow (ViT-Ti/16 batch 1 takes ~6 s)';
  return true;
}

const TOLERANCE = { tfjs: 1e-4, webgpu: 1e-3, peer: 1e-4 };

/** One model at a time on the current backend, shared by its batch sizes; peers' sessions likewise. */
class ModelHolder {
  #model: { name: ModelName; vit: ViT } | undefined;
  #peerSessions: { name: ModelName; peers: OnnxPeer[]; ids: string[] } | undefined;

  async model(spec: ModelSpec, assets: Assets): Promise<ViT> {
    if (this.#model?.name !== spec.name) {
      this.#model?.vit.dispose();
      this.#model = undefined;
      this.#model = { name: spec.name, vit: await loadViT(spec, assets) };
    }
    return this.#model.vit;
  }

  /** Session ids per graph ('main', and 'generated' when the model has one) for every peer. */
  async sessions(spec: ModelSpec, peers: OnnxPeer[], assets: Assets): Promise<string[]> {
    if (this.#peerSessions?.name !== spec.name) {
      await this.closeSessions();
      const graphs: [string, string][] = [[`${spec.name}:main`, spec.onnx]];
      if (spec.generatedOnnx !== undefined) graphs.push([`${spec.name}:generated`, spec.generatedOnnx]);
      for (const peer of peers) for (const [id, asset] of graphs) await peer.open(id, await assets.bytes(asset));
      this.#peerSessions = { name: spec.name, peers, ids: graphs.map(([id]) => id) };
    }
    return this.#peerSessions.ids;
  }

  async closeSessions(): Promise<void> {
    const open = this.#peerSessions;
    this.#peerSessions = undefined;
    if (open !== undefined) for (const peer of open.peers) for (const id of open.ids) await peer.close(id).catch(() => {});
  }

  async release(): Promise<void> {
    this.#model?.vit.dispose();
    this.#model = undefined;
    await this.closeSessions();
  }
}

async function runForward(spec: ModelSpec, batch: number, holder: ModelHolder, ctx: RunContext): Promise<CandidateResult[]> {
  const backend = ctx.backend.name;
  const inputs = await ctx.assets.bytes('peers/inputs.safetensors');
  const input = floats(inputs, `input_b${batch}`);
  const reference = floats(await ctx.assets.bytes(spec.logits), `logits_b${batch}`).data;
  const model = await holder.model(spec, ctx.assets);
  const x = inputTensor(input);
  try {
    const runners: Record<string, Runner> = { ours: tfjsRunner(() => model.forward(x)) };
    const peerRows: { peer: OnnxPeer; id: string; name: string; generated: boolean }[] = [];
    if (ctx.peers.length > 0) {
      const ids = await holder.sessions(spec, ctx.peers, ctx.assets);
      for (const peer of ctx.peers) {
        for (const id of ids) {
          const generated = id.endsWith(':generated');
          await peer.setInput(id, 'img', input.data, input.shape);
          const name = generated ? `${peer.key} generated` : peer.key;
          runners[name] = (calls) => peer.run(id, calls);
          peerRows.push({ peer, id, name, generated });
        }
      }
    }
    ctx.log(`    ${spec.label} b${batch}: ${Object.keys(runners).join(', ')}`);
    const measured = await measure(runners, ctx.plan);

    const software = ctx.backend.software || undefined;
    const ours = fromMeasured({ key: tfjsKey(backend), runtime: 'tfjs', backend, role: 'ours', impl: 'ours', ...(software ? { software } : {}) }, measured['ours']);
    if (ours.status === 'ok') {
      const tolerance = backend === 'webgpu' ? TOLERANCE.webgpu : TOLERANCE.tfjs;
      const { memory, values } = await profileMemory(() => model.forward(x));
      ours.check = check(spec.reference, values, reference, tolerance);
      ours.memory = memory;
    }
    const results = [ours];
    for (const { peer, id, name, generated } of peerRows) {
      const result = fromMeasured({
        key: name, runtime: peer.runtime, backend: peer.backend, role: generated ? 'context' : 'baseline',
        impl: `ONNX graph: ${generated ? 'our ONNX writer' : spec.onnxSource}`,
      }, measured[name]);
      if (result.status === 'ok') result.check = check(spec.reference, await peer.output(id), reference, TOLERANCE.peer);
      results.push(result);
    }
    return results;
  } finally {
    x.dispose();
  }
}

export function vitForwardWorkloads(models: ModelName[] = ['vit_ti16', 'vit_s16', 'vit_b16'], batches = [1, 8]): Workload[] {
  const holder = new ModelHolder();
  return models.flatMap((name) => batches.map((batch): Workload => {
    const spec = MODELS[name];
    return {
      id: `${name.replace('_', '-')}-b${batch}`,
      group: 'vit-forward',
      title: `${spec.label} forward, 224², batch ${batch}`,
      items: batch,
      usesPeers: true,
      runsOn: (backend) => runsOn(name, batch, backend),
      run: (ctx) => runForward(spec, batch, holder, ctx),
      release: () => holder.release(),
    };
  }));
}
