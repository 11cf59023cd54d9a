/**
 * The benchmark suite: WebGPU vs WASM (vs cpu) for einops, ViT forward, the training and
 * distillation steps, with onnxruntime-web / onnxruntime-node as peers, in Node and in headless
 * Chromium. Writes JSON, a Markdown table and SVG charts.
 *
 *   npm run bench                      full run (~30 min here), results in bench/results/ and bench/README.md
 *   npm run bench -- --quick           smoke run (few samples, fewer sizes), results in bench/results/tmp/quick/
 *
 * Options: --out <dir>  --env node,browser  --backends wasm,webgpu,cpu  --only <id|group>,...
 *          --no-peers  --no-readme
 *          --render <run.json>: only rewrite the table, charts (and README section) from a run's JSON
 * Exit status 1 when a workload failed (an error, or outputs that disagree).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { BENCH_DIR, REPO_ROOT, RESULTS_DIR } from './lib/paths.js';
import { SCHEMA, type BenchRun, type EnvironmentRun } from './lib/results.js';
import { environmentCharts } from './lib/svg.js';
import { graphChecks, runMarkdown, summaryMarkdown } from './lib/table.js';
import { QUICK_MODELS } from './workloads/index.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const value = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const out = resolve(value('--out') ?? (quick ? join(RESULTS_DIR, 'tmp', 'quick') : RESULTS_DIR));
const envs = (value('--env') ?? 'node,browser').split(',');
const passThrough = ['--backends', '--only'].flatMap((f) => (value(f) ? [f, value(f)!] : [])).concat(flag('--no-peers') ? ['--no-peers'] : [], quick ? ['--quick'] : []);
const partial = value('--only') !== undefined || value('--backends') !== undefined || value('--env') !== undefined || flag('--no-peers');

/** Runs a TypeScript entry in its own Node process, streaming its output with a prefix. */
function child(script: string, extra: string[], prefix: string): Promise<number> {
  return new Promise((resolvePromise) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, script), ...extra], {
      cwd: REPO_ROOT,
      env: { ...process.env, EGL_PLATFORM: process.env['EGL_PLATFORM'] ?? 'surfaceless' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pipe = (stream: NodeJS.ReadableStream, sink: NodeJS.WriteStream): void => {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) sink.write(`[${prefix}] ${line}\n`);
      });
      stream.on('end', () => { if (buffered) sink.write(`[${prefix}] ${buffered}\n`); });
    };
    pipe(proc.stdout!, process.stdout);
    pipe(proc.stderr!, process.stderr);
    proc.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

function failedEnvironment(name: string, reason: string, durationMs: number): EnvironmentRun {
  return {
    env: { name, runtime: '?', cpu: { model: os.cpus()[0]?.model ?? '?', cores: os.availableParallelism() }, platform: os.platform(), backends: [] },
    status: 'failed', reason, durationMs, workloads: [],
  };
}

async function main(): Promise<number> {
  const start = Date.now();
  mkdirSync(out, { recursive: true });
  console.log(`bench: ${quick ? 'quick (smoke) run' : 'full run'}, environments ${envs.join(', ')} → ${relative(REPO_ROOT, out) || '.'}`);

  const prepared = await child('node/prepare.ts', quick ? ['--models', QUICK_MODELS.join(',')] : [], 'prepare');
  if (prepared !== 0) {
    console.error('bench: preparing the models and ONNX graphs failed');
    return 1;
  }
  const environments: EnvironmentRun[] = [];
  const partials = mkdtempSync(join(os.tmpdir(), 'vit-bench-'));
  const scripts: Record<string, string> = { node: 'node/main.ts', browser: 'browser/driver.ts' };
  for (const env of envs) {
    const script = scripts[env];
    if (script === undefined) throw new Error(`unknown environment '${env}' (expected node, browser)`);
    const json = join(partials, `${env}.json`);
    const t0 = Date.now();
    const code = await child(script, ['--json', json, ...passThrough], env);
    if (code === 0 && existsSync(json)) environments.push(JSON.parse(readFileSync(json, 'utf8')) as EnvironmentRun);
    else environments.push(failedEnvironment(env === 'browser' ? 'chromium' : env, `process exited with status ${code}`, Date.now() - t0));
  }

  const date = new Date(start).toISOString();
  const run: BenchRun = {
    schema: SCHEMA,
    date,
    quick,
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    durationMs: Date.now() - start,
    host: {
      cpu: os.cpus()[0]?.model.trim() ?? '?',
      cores: os.availableParallelism(),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    environments,
    graphChecks: environments.flatMap(graphChecks),
  };
  rmSync(partials, { recursive: true, force: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify(run, null, 1));
  return render(run, !quick && !partial && out === RESULTS_DIR && !flag('--no-readme'));
}

/** Markdown, charts (and the README section) from a run; the exit status. */
function render(run: BenchRun, readme: boolean): number {
  const charts: Record<string, string[]> = {};
  for (const env of run.environments) {
    for (const chart of environmentCharts(env, run.date)) {
      writeFileSync(join(out, chart.name), chart.svg);
      (charts[env.env.name] ??= []).push(chart.name);
    }
  }
  const markdown = runMarkdown(run, charts);
  writeFileSync(join(out, 'latest.md'), markdown);
  console.log(`\n${markdown}`);
  if (readme) {
    const section = markdown.replace(/!\[([^\]]*)\]\(([^)]*\.svg)\)/g, '![$1](results/$2)').replace(/^## /m, '### ').replace(/^### (?=Node|Browser)/gm, '#### ');
    updateSection(join(BENCH_DIR, 'README.md'), section);
    updateSection(join(REPO_ROOT, 'README.md'), summaryMarkdown(run, 'bench/results/'));
  }
  const failed = run.environments.filter((e) => e.status !== 'ok').length + run.environments.flatMap((e) => e.workloads).filter((w) => w.status === 'failed').length;
  console.log(`bench: ${(run.durationMs / 60000).toFixed(1)} min, ${failed === 0 ? 'everything ran and agreed' : `${failed} failure(s)`}; results in ${relative(REPO_ROOT, out) || '.'}/`);
  return failed === 0 ? 0 : 1;
}

/** Replaces what is between the bench results markers of a README (nothing else is touched). */
function updateSection(readme: string, body: string): void {
  const begin = '<!-- bench-results:begin (written by bench/run.ts) -->';
  const end = '<!-- bench-results:end -->';
  const text = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    console.warn(`bench: ${relative(REPO_ROOT, readme)} has no bench results markers; not updated`);
    return;
  }
  writeFileSync(readme, `${text.slice(0, i + begin.length)}\n${body}\n${text.slice(j)}`);
  console.log(`bench: ${relative(REPO_ROOT, readme)} updated`);
}

const rendered = value('--render');
process.exit(rendered !== undefined
  ? render(JSON.parse(readFileSync(rendered, 'utf8')) as BenchRun, out === RESULTS_DIR && !flag('--no-readme'))
  : await main());
