#!/usr/bin/env node
// Runs every test file (test/**/*.test.ts) with `node --import tsx --test` once per tfjs
// backend (cpu, wasm, webgpu), with VIT_TEST_BACKEND set and the environment the software
// WebGPU adapter needs. See test/README.md.
//
//   node test/run.mjs                                  all files, all backends
//   node test/run.mjs --backend wasm [files|dirs...]   one backend (repeat or comma-separate)
//   node test/run.mjs --concurrency 2 --test-name-pattern=matMul
//
// A file opts out of backends with a leading comment line:  // backends: cpu, wasm
// Output streams through node's spec reporter; totals come from its TAP summary
// (`# pass N`, `# fail N`). Prints `N passed, N failed` last; exits 1 on any failure.
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const ALL_BACKENDS = ['cpu', 'wasm', 'webgpu'];
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEST_DIR = join(ROOT, 'test');
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function usage(code) {
  console.log(`usage: node test/run.mjs [--backend cpu|wasm|webgpu]... [--concurrency N]
                        [--test-<node flag>=...]... [file|dir]...
env: VIT_TEST_CONCURRENCY (default 1), VIT_TEST_TIMEOUT_MS (per test, default 600000),
     VIT_WEBGPU_DAWN_BACKEND (opengles | vulkan, default opengles)`);
  process.exit(code);
}

// ---- arguments ----
const backends = [];
const paths = [];
const nodeTestFlags = [];
let concurrency = Number(process.env.VIT_TEST_CONCURRENCY || 1);
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
  const value = () => inline ?? argv[++i] ?? usage(2);
  if (flag === '--backend' || flag === '-b') backends.push(...value().split(',').map((s) => s.trim()).filter(Boolean));
  else if (flag === '--concurrency') concurrency = Number(value());
  else if (flag === '--help' || flag === '-h') usage(0);
  else if (flag.startsWith('--test-')) nodeTestFlags.push(arg);
  else if (arg.startsWith('-')) { console.error(`unknown option ${arg}`); usage(2); }
  else paths.push(arg);
}
for (const b of backends) {
  if (!ALL_BACKENDS.includes(b)) { console.error(`unknown backend '${b}' (expected ${ALL_BACKENDS.join(', ')})`); process.exit(2); }
}
if (!(Number.isInteger(concurrency) && concurrency >= 1)) { console.error('--concurrency must be a positive integer'); process.exit(2); }
const selectedBackends = backends.length ? ALL_BACKENDS.filter((b) => backends.includes(b)) : ALL_BACKENDS;

// ---- test files ----
function walk(dir, out) {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let files = [];
if (paths.length === 0) {
  files = walk(TEST_DIR, []);
} else {
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) { console.error(`no such file or directory: ${p}`); process.exit(2); }
    if (statSync(abs).isDirectory()) files.push(...walk(abs, []));
    else files.push(abs);
  }
}
files = [...new Set(files)].sort();
if (files.length === 0) { console.error('no test files found'); process.exit(1); }

/** Backends a file runs on: its `// backends: a, b` line among the leading comments, else all. */
function backendsOf(file) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#!')) continue;
    if (!trimmed.startsWith('//')) break;
    const m = /^\/\/\s*backends\s*:(.*)$/i.exec(trimmed);
    if (m) {
      const list = m[1].split(/[\s,]+/).filter(Boolean).map((s) => s.toLowerCase());
      const bad = list.filter((b) => !ALL_BACKENDS.includes(b));
      if (bad.length) throw new Error(`${relative(ROOT, file)}: unknown backend(s) in '${trimmed}': ${bad.join(', ')}`);
      return list;
    }
  }
  return ALL_BACKENDS;
}

let plan;
try {
  plan = files.map((file) => ({file, backends: backendsOf(file)}));
} catch (err) {
  console.error(err.message);
  process.exit(2);
}

// ---- environment ----
const [major, minor] = process.versions.node.split('.').map(Number);
const atLeast = (M, m) => major > M || (major === M && minor >= m);

function envFor(backend, scratch) {
  const env = {...process.env, VIT_TEST_BACKEND: backend};
  if (backend === 'webgpu') {
    const dawnBackend = env.VIT_WEBGPU_DAWN_BACKEND ||= 'opengles';
    if (dawnBackend === 'opengles' || dawnBackend === 'opengl') {
      // Mesa EGL without a display server (llvmpipe, or a real GPU through its DRM node).
      env.EGL_PLATFORM ||= 'surfaceless';
    } else if (dawnBackend === 'vulkan') {
      if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      env.XDG_RUNTIME_DIR ||= scratch;
    }
  }
  return env;
}

function runNode(args, env) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, args, {cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit']});
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (err) => { console.error(err); resolveRun({code: 1, signal: null}); });
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveRun({code, signal});
    });
  });
}

/** The last top-level `# pass N` / `# fail N` / `# cancelled N` of a TAP report. */
function tapSummary(file) {
  let text;
  try { text = readFileSync(file, 'utf8'); } catch { return undefined; }
  const last = (key) => {
    const all = [...text.matchAll(new RegExp(`^# ${key} (\\d+)$`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  const pass = last('pass');
  const fail = last('fail');
  if (pass === undefined || fail === undefined) return undefined;
  return {pass, fail, cancelled: last('cancelled') ?? 0};
}

// ---- run ----
const scratch = mkdtempSync(join(tmpdir(), 'vit-test-'));
const timeoutMs = Number(process.env.VIT_TEST_TIMEOUT_MS || 600_000);
let passed = 0;
let failed = 0;
const lines = [];
try {
  for (const backend of selectedBackends) {
    const mine = plan.filter((p) => p.backends.includes(backend)).map((p) => p.file);
    const skipped = files.length - mine.length;
    const banner = `==== backend ${backend}: ${mine.length} file(s)` + (skipped ? `, ${skipped} opted out` : '');
    console.log(`\n${banner} ====`);
    if (mine.length === 0) { lines.push(`${backend}: no files`); continue; }

    const tap = join(scratch, `${backend}.tap`);
    const args = [
      '--import', 'tsx', '--test',
      ...(atLeast(20, 10) ? [`--test-concurrency=${concurrency}`] : []),
      ...(atLeast(20, 11) && timeoutMs > 0 ? [`--test-timeout=${timeoutMs}`] : []),
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...nodeTestFlags,
      ...mine.map((f) => relative(ROOT, f)),
    ];
    const t0 = performance.now();
    const {code, signal} = await runNode(args, envFor(backend, scratch));
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const summary = tapSummary(tap);
    let p = summary?.pass ?? 0;
    let f = summary ? summary.fail + summary.cancelled : 0;
    let note = '';
    if (!summary) { f = Math.max(f, 1); note = ' (no TAP summary: the test run crashed?)'; }
    else if (code !== 0 && f === 0) { f = 1; note = ` (exit ${signal ?? code} although no test failed)`; }
    passed += p;
    failed += f;
    lines.push(`${backend}: pass ${p}, fail ${f}, exit ${signal ?? code}, ${secs} s${note}`);
    if (signal === 'SIGINT' || signal === 'SIGTERM') break;
  }
} finally {
  rmSync(scratch, {recursive: true, force: true});
}

console.log('\n==== summary ====');
for (const line of lines) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
