// backends: cpu
// Smoke test of the benchmark suite (bench/run.ts --quick): every workload runs in Node (and in
// headless Chromium when /usr/bin/chromium exists), every output agrees with its reference, the
// peers (onnxruntime-web 1 and 2 threads, onnxruntime-node) run and agree, and the JSON, Markdown
// and SVG outputs are written. No speed assertions: this machine's timings are not the point.
// The suite runs in its own processes; the backend this file runs under does not matter.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BenchRun, EnvironmentRun } from '../../bench/lib/results.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HAS_CHROMIUM = existsSync(process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium');
const ENVS = HAS_CHROMIUM ? ['node', 'chromium'] : ['node'];
const PEERS: Record<string, string[]> = { node: ['ort-web-1t', 'ort-web-2t', 'ort-node'], chromium: ['ort-web-1t', 'ort-web-2t'] };
const QUICK_WORKLOADS = [
  'einops-rearrange-small', 'einops-rearrange-patches', 'einops-reduce-small', 'einops-reduce-tokens', 'einops-reduce-pool',
  'einops-repeat-small', 'einops-repeat-tokens', 'einops-repeat-channels', 'einops-einsum-small', 'einops-einsum-scores',
  'einops-einsum-values', 'vit-ti16-b1', 'vit-s16-b1', 'train-tiny', 'distill-tiny',
];

let out = '';
let run: BenchRun;
let exitCode: number | null = null;
let output = '';

before(async () => {
  out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const args = ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out, ...(HAS_CHROMIUM ? [] : ['--env', 'node'])];
  exitCode = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('exit', done);
  });
  const latest = join(out, 'latest.json');
  assert.ok(existsSync(latest), `bench/run.ts --quick wrote no latest.json (exit ${exitCode}); its output ended with:\n${output.slice(-4000)}`);
  run = JSON.parse(readFileSync(latest, 'utf8')) as BenchRun;
}, { timeout: 600_000 });

after(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const env = (name: string): EnvironmentRun => {
  const e = run.environments.find((x) => x.env.name === name);
  assert.ok(e, `no '${name}' environment in the results`);
  return e;
};

it('runs every environment and exits 0', () => {
  assert.equal(run.quick, true);
  assert.deepEqual(run.environments.map((e) => e.env.name), ENVS);
  for (const e of run.environments) assert.equal(e.status, 'ok', `${e.env.name}: ${e.reason}`);
  assert.equal(exitCode, 0, `bench/run.ts exited ${exitCode}; output ended with:\n${output.slice(-3000)}`);
});

it('records the environment: backends, WASM SIMD / threads, WebGPU adapter, peers', () => {
  for (const name of ENVS) {
    const { env: info } = env(name);
    assert.ok(info.runtime && info.cpu.model && info.cpu.cores > 0, `${name}: runtime / CPU`);
    const wasm = info.backends.find((b) => b.key === 'tfjs-wasm');
    assert.equal(wasm?.status, 'ok');
    assert.equal(typeof wasm?.simd, 'boolean');
    assert.ok((wasm?.threads ?? 0) >= 1);
    const webgpu = info.backends.find((b) => b.key === 'tfjs-webgpu');
    assert.ok(webgpu, `${name}: no tfjs-webgpu entry`);
    if (webgpu.status === 'ok') {
      assert.ok(webgpu.adapter, `${name}: WebGPU adapter not recorded`);
      assert.equal(typeof webgpu.adapter.isFallbackAdapter, 'boolean');
      if (webgpu.adapter.isSoftware) assert.equal(webgpu.label, 'software — correctness only');
    }
    for (const peer of PEERS[name]!) {
      const p = info.backends.find((b) => b.key === peer);
      assert.equal(p?.status, 'ok', `${name}: peer ${peer}: ${p?.reason}`);
    }
  }
});

it('runs every workload, and every output agrees with its reference', () => {
  for (const name of ENVS) {
    const e = env(name);
    assert.deepEqual(e.workloads.map((w) => w.id), QUICK_WORKLOADS, `${name}: workloads`);
    for (const w of e.workloads) {
      assert.equal(w.status, 'ok', `${name}: ${w.id} is ${w.status}: ${w.reason}`);
      const ran = w.candidates.filter((c) => c.status === 'ok');
      assert.ok(ran.some((c) => c.key === 'tfjs-wasm'), `${name}: ${w.id} did not run on tfjs-wasm`);
      for (const c of ran) {
        assert.ok(c.stats && c.stats.samples >= 1 && c.stats.median > 0, `${name}: ${w.id} ${c.key}: no timing`);
        if (c.role !== 'context') assert.ok(c.check?.ok, `${name}: ${w.id} ${c.key} disagrees: ${JSON.stringify(c.check)}`);
      }
    }
  }
});

it('measures the peers on every ViT forward workload, and they agree', () => {
  for (const name of ENVS) {
    for (const w of env(name).workloads.filter((x) => x.group === 'vit-forward')) {
      for (const peer of PEERS[name]!) {
        const c = w.candidates.find((x) => x.key === peer);
        assert.equal(c?.status, 'ok', `${name}: ${w.id}: peer ${peer} ${c?.status}: ${c?.reason}`);
        assert.ok(c.check?.ok, `${name}: ${w.id}: ${peer} disagrees with ${c.check?.against}: ${c.check?.maxAbsDiff}`);
      }
    }
  }
  // Our ONNX graph of ViT-Ti/16 against the PyTorch export, in every peer runtime.
  assert.ok(run.graphChecks.length >= 3, 'graph checks');
  for (const g of run.graphChecks) assert.ok(g.generated.maxAbsDiffVsTorch <= 1e-4, `${g.env} ${g.runtime}: our graph disagrees with torch`);
});

it('writes the Markdown table and SVG charts', () => {
  const files = readdirSync(out);
  const md = readFileSync(join(out, 'latest.md'), 'utf8');
  assert.match(md, /\| ViT forward \|/);
  assert.match(md, /\| einops/);
  for (const name of ENVS) {
    for (const chart of ['vit-forward', 'training', 'einops']) {
      const file = `${chart}-${name}.svg`;
      assert.ok(files.includes(file), `missing ${file}`);
      assert.match(readFileSync(join(out, file), 'utf8'), /^<svg [^>]*>[\s\S]*<rect [\s\S]*<\/svg>$/);
    }
  }
});
