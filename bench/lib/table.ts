/**
 * The Markdown report of a run: per environment, its backends (adapter, SIMD, threads), then ViT
 * forward, training / distillation and einops tables (median ms, p90 in parentheses), our ONNX
 * graph against the PyTorch export, and memory. Software WebGPU results show as a correctness
 * mark, never as a speed.
 */
import type { BackendInfo, BenchRun, CandidateResult, EnvironmentRun, GraphCheck, WorkloadResult } from './results.js';
import { fmt } from './timing.js';

const PEERS = ['ort-web-1t', 'ort-web-2t', 'ort-node'];
const TFJS = ['tfjs-wasm', 'tfjs-webgpu', 'tfjs-cpu'];

const MEMORY_HEADER = 'tfjs-wasm memory: peak / held MB, tensors held + new';
const ratio = (x: number): string => `${x < 0.1 ? x.toPrecision(2) : x.toFixed(2)}×`;

const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
const header = (cells: string[]): string => `${row(cells)}\n${row(cells.map(() => '---'))}`;

export function timeCell(c: CandidateResult | undefined): string {
  if (c === undefined) return '';
  if (c.status === 'skipped') return '—';
  if (c.status === 'pending') return 'pending';
  if (c.status === 'failed') return '**failed**';
  const bad = c.check !== undefined && !c.check.ok ? ' **✗**' : '';
  if (c.software) return `✓ software${bad}`;
  return `${fmt(c.stats!.median)} (${fmt(c.stats!.p90)})${bad}`;
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)}`;

function memoryCell(c: CandidateResult | undefined): string {
  const m = c?.memory;
  if (m === undefined) return '';
  return `${mb(m.peakBytes)} / ${mb(m.bytesBefore)}, ${m.tensorsBefore} + ${m.newTensors}${m.leakedTensors ? `, **${m.leakedTensors} leaked**` : ''}`;
}

/** "✓ 1.3e-6" when every check passed (largest difference), else the ones that failed. */
function agreeCell(w: WorkloadResult): string {
  const checked = w.candidates.filter((c) => c.status === 'ok' && c.check !== undefined);
  if (checked.length === 0) return '';
  const bad = checked.filter((c) => !c.check!.ok);
  if (bad.length > 0) return bad.map((c) => `**✗ ${c.key}** ${c.check!.maxAbsDiff.toExponential(1)}`).join(', ');
  const worst = Math.max(...checked.map((c) => c.check!.maxAbsDiff));
  return `✓ ${checked.length} (max ${worst === 0 ? '0' : worst.toExponential(1)})`;
}

function ratioCell(a: CandidateResult | undefined, b: CandidateResult | undefined): string {
  if (a?.status !== 'ok' || b?.status !== 'ok' || a.software || b.software) return '';
  return ratio(a.stats!.median / b.stats!.median);
}

const find = (w: WorkloadResult, key: string): CandidateResult | undefined => w.candidates.find((c) => c.key === key);

export function backendLine(b: BackendInfo): string {
  const parts: string[] = [`${b.runtime} ${b.version}`];
  if (b.simd !== undefined) parts.push(`SIMD ${b.simd ? 'yes' : 'no'}`);
  if (b.threads !== undefined) parts.push(`${b.threads} thread${b.threads === 1 ? '' : 's'}${b.multithread === false && b.runtime === 'tfjs' ? ' (no threaded build here)' : ''}`);
  if (b.adapter) {
    const a = b.adapter;
    const name = [a.vendor, a.architecture, a.device].filter(Boolean).join(' / ') || a.description || 'unnamed adapter';
    parts.push(`adapter ${name}${a.description && !name.includes(a.description) ? ` (${a.description})` : ''}`);
    parts.push(`isFallbackAdapter ${a.isFallbackAdapter}`);
    if (a.dawnBackend) parts.push(`Dawn ${a.dawnBackend}`);
    if (a.featureLevel) parts.push(`${a.featureLevel} feature level`);
  }
  const label = b.label ? ` — **${b.label}**` : '';
  const status = b.status === 'ok' ? '' : ` — **${b.status}**${b.reason ? `: ${b.reason}` : ''}`;
  return `- \`${b.key}\`: ${parts.join(', ')}${label}${status}`;
}

function forwardTable(env: EnvironmentRun): string {
  const ws = env.workloads.filter((w) => w.group === 'vit-forward');
  if (ws.length === 0) return '';
  const cols = [...TFJS, ...PEERS].filter((k) => ws.some((w) => find(w, k) !== undefined));
  const ratios = ['ort-web-1t', 'ort-node'].filter((k) => cols.includes(k));
  const lines = [header(['ViT forward', ...cols, ...ratios.map((k) => `wasm ÷ ${k}`), 'logits agree', MEMORY_HEADER])];
  for (const w of ws) {
    lines.push(row([w.title.replace(' forward, 224²,', ','), ...cols.map((k) => timeCell(find(w, k))),
      ...ratios.map((k) => ratioCell(find(w, 'tfjs-wasm'), find(w, k))), agreeCell(w), memoryCell(find(w, 'tfjs-wasm'))]));
  }
  return lines.join('\n');
}

function stepTable(env: EnvironmentRun): string {
  const ws = env.workloads.filter((w) => w.group === 'train-step' || w.group === 'distill-step');
  if (ws.length === 0) return '';
  const lines = [header(['step', ...TFJS, 'images/s (best)', 'check', MEMORY_HEADER])];
  for (const w of ws) {
    const ok = w.candidates.filter((c) => c.status === 'ok' && !c.software);
    const best = ok.sort((a, b) => a.stats!.median - b.stats!.median)[0];
    const ips = best && w.items ? `${((w.items * 1000) / best.stats!.median).toFixed(1)} (${best.key})` : '';
    const status = w.status === 'pending' ? `pending: ${w.reason}` : agreeCell(w).replace(/ \(max 0\)$/, '');
    lines.push(row([w.title, ...TFJS.map((k) => timeCell(find(w, k))), ips, status, memoryCell(find(w, 'tfjs-wasm'))]));
  }
  return lines.join('\n');
}

function einopsTable(env: EnvironmentRun): string {
  const ws = env.workloads.filter((w) => w.group === 'einops');
  if (ws.length === 0) return '';
  const backends = TFJS.filter((k) => ws.some((w) => find(w, k) !== undefined));
  const cell = (w: WorkloadResult, key: string): string => {
    const ours = find(w, key);
    if (ours === undefined || ours.status !== 'ok' || ours.software) return timeCell(ours);
    const hand = w.candidates.filter((c) => c.key.startsWith(`${key} `) && c.role === 'baseline' && c.status === 'ok')
      .sort((a, b) => a.stats!.median - b.stats!.median)[0];
    return hand ? `${fmt(ours.stats!.median)} / ${fmt(hand.stats!.median)} = **${ratio(ours.stats!.median / hand.stats!.median)}**` : timeCell(ours);
  };
  const lines = [header(['einops (ours / best hand-written, median ms)', ...backends, 'agree'])];
  for (const w of ws) lines.push(row([w.title.replace(/\|/g, '\\|'), ...backends.map((k) => cell(w, k)), agreeCell(w)]));
  return lines.join('\n');
}

/** Our ONNX graph against the PyTorch export of the same ViT-Ti/16 weights, per peer. */
export function graphChecks(run: EnvironmentRun): GraphCheck[] {
  const out: GraphCheck[] = [];
  for (const w of run.workloads.filter((x) => x.group === 'vit-forward')) {
    for (const peer of PEERS) {
      const torch = find(w, peer);
      const ours = find(w, `${peer} generated`);
      if (torch?.status !== 'ok' || ours?.status !== 'ok') continue;
      out.push({
        env: run.env.name, model: w.title.split(' ')[0]!, runtime: peer, batch: w.items ?? 1,
        pytorchExport: { medianMs: torch.stats!.median, p90Ms: torch.stats!.p90, maxAbsDiffVsTorch: torch.check?.maxAbsDiff ?? NaN },
        generated: { medianMs: ours.stats!.median, p90Ms: ours.stats!.p90, maxAbsDiffVsTorch: ours.check?.maxAbsDiff ?? NaN },
        ratio: ours.stats!.median / torch.stats!.median,
      });
    }
  }
  return out;
}

function graphTable(checks: GraphCheck[]): string {
  if (checks.length === 0) return '';
  const lines = [header(['ONNX graph, same weights', 'runtime', 'PyTorch export: ms (p90), max abs Δ vs torch', 'our writer: ms (p90), max abs Δ vs torch', 'ours ÷ export'])];
  for (const c of checks) {
    lines.push(row([`${c.model} batch ${c.batch}`, c.runtime,
      `${fmt(c.pytorchExport.medianMs)} (${fmt(c.pytorchExport.p90Ms)}), ${c.pytorchExport.maxAbsDiffVsTorch.toExponential(1)}`,
      `${fmt(c.generated.medianMs)} (${fmt(c.generated.p90Ms)}), ${c.generated.maxAbsDiffVsTorch.toExponential(1)}`,
      ratio(c.ratio)]));
  }
  return lines.join('\n');
}

export function environmentTitle(env: EnvironmentRun): string {
  const e = env.env;
  return `${e.name === 'node' ? 'Node' : 'Browser'}: ${e.runtime}, ${e.cpu.model} (${e.cpu.cores} cores), ${e.platform}`;
}

export function environmentMarkdown(env: EnvironmentRun, chartFiles: string[] = []): string {
  const e = env.env;
  const parts = [`### ${environmentTitle(env)}`];
  const notes = [`${(env.durationMs / 60000).toFixed(1)} min`];
  if (e.cpu.loadAverage) notes.push(`load average at the end ${e.cpu.loadAverage.join(' / ')}`);
  if (e.crossOriginIsolated !== undefined) notes.push(`crossOriginIsolated ${e.crossOriginIsolated}`);
  if (e.userAgent) notes.push(`user agent \`${e.userAgent}\``);
  parts.push(notes.join(', '));
  if (env.status !== 'ok') parts.push(`**This environment failed: ${env.reason}**`);
  parts.push(e.backends.map(backendLine).join('\n'));
  for (const table of [forwardTable(env), graphTable(graphChecks(env)), stepTable(env), einopsTable(env)]) if (table) parts.push(table);
  for (const file of chartFiles) parts.push(`![${file}](${file})`);
  return parts.join('\n\n');
}

export function runMarkdown(run: BenchRun, charts: Record<string, string[]> = {}): string {
  const failed = run.environments.flatMap((e) => e.workloads.filter((w) => w.status === 'failed').map((w) => `${e.env.name}: ${w.id} — ${w.reason}`));
  const head = [
    `## Benchmark results${run.quick ? ' (--quick: smoke test, not a measurement)' : ''}`,
    `${run.date.slice(0, 16).replace('T', ' ')} UTC, \`${run.command}\`, ${(run.durationMs / 60000).toFixed(1)} min. ` +
    `Host: ${run.host.cpu}, ${run.host.cores} cores, ${run.host.memoryGiB} GiB, ${run.host.os}.`,
    'Cells: median ms per call (p90). Ratios are medians measured in the same process, peers interleaved with tfjs-wasm. ' +
    '"✓ software": ran and agreed on a software WebGPU adapter (correctness only, not a WebGPU speed). ' +
    '"—": not run there (the JSON says why). Memory: tfjs engine bytes at the peak of one call / held before it (weights, inputs, ' +
    'optimizer state), tensors held before it + left after it (the output).',
  ];
  if (failed.length > 0) head.push(`**Failed:**\n${failed.map((f) => `- ${f}`).join('\n')}`);
  return [...head, ...run.environments.map((env) => environmentMarkdown(env, charts[env.env.name] ?? []))].join('\n\n') + '\n';
}

/** The short version for the repository README: date, environments, ViT forward tables, training throughput. */
export function summaryMarkdown(run: BenchRun, chartDir: string): string {
  const parts = [`Latest full run: ${run.date.slice(0, 16).replace('T', ' ')} UTC on ${run.host.cpu}, ${run.host.cores} cores ` +
    `(${run.environments.map((e) => e.env.runtime).join(', ')}). Median ms per call (p90); the full tables (einops, memory, ` +
    'environment details) and charts are in [bench/README.md](bench/README.md).'];
  for (const env of run.environments) {
    const software = env.env.backends.filter((b) => b.label).map((b) => `${b.key} (${b.adapter?.architecture || b.adapter?.device || 'adapter'}): ${b.label}`);
    const load = env.env.cpu.loadAverage ? `, load average ${env.env.cpu.loadAverage[1]}` : '';
    parts.push(`**${environmentTitle(env)}**${load}${software.length ? ` — ${software.join('; ')}` : ''}`);
    const table = forwardTable(env);
    if (table) parts.push(table);
    const steps = env.workloads.filter((w) => (w.group === 'train-step' || w.group === 'distill-step') && w.items).map((w) => {
      const c = find(w, 'tfjs-wasm');
      return c?.status === 'ok' ? `${w.group === 'train-step' ? 'training' : 'distillation'} step ${((w.items! * 1000) / c.stats!.median).toFixed(1)} images/s` : '';
    }).filter(Boolean);
    if (steps.length) parts.push(`Tiny ViT, batch ${env.workloads.find((w) => w.group === 'train-step')?.items}, tfjs-wasm: ${steps.join(', ')}.`);
  }
  const node = run.environments.find((e) => e.env.name === 'node');
  if (node) parts.push(`![ViT forward in Node](${chartDir}vit-forward-node.svg)`);
  return parts.join('\n\n');
}
