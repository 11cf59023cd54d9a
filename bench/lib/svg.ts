/**
 * Grouped bar charts as plain SVG strings: one group per workload, one bar per backend / runtime
 * side by side, a p90 whisker on each bar, a log scale when the values span more than ~30x.
 * Bars that are missing (not run, failed, software WebGPU) are marked at the baseline.
 */
import type { CandidateResult, EnvironmentRun, Group } from './results.js';
import { fmt } from './timing.js';

export interface Series {
  key: string;
  label: string;
  color: string;
}

export interface Bar {
  median: number;
  p90: number;
}

export interface ChartData {
  title: string;
  subtitle: string;
  /** Label under the y axis values, e.g. 'ms per call'. */
  unit: string;
  series: Series[];
  /** Per group, per series key: a bar, or a short note shown instead ('not run', 'failed', ...). */
  groups: { label: string; bars: Record<string, Bar | string> }[];
  /** Shown under the chart. */
  footnote?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceTicks(max: number): number[] {
  const step0 = max / 5;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}

const msLabel = (ms: number): string => (ms >= 1000 ? `${+(ms / 1000).toPrecision(3)} s` : `${+ms.toPrecision(3)} ms`);

export function barChart(data: ChartData): string {
  const values = data.groups.flatMap((g) => Object.values(g.bars).filter((b): b is Bar => typeof b !== 'string'));
  const lo = Math.min(...values.map((b) => b.median));
  const hi = Math.max(...values.map((b) => Math.max(b.p90, b.median)));
  const log = values.length > 0 && hi / lo > 30;
  const barW = 18;
  const groupGap = 26;
  const left = 72;
  const right = 20;
  const plotH = 300;
  const groupW = data.series.length * barW + groupGap;
  const width = Math.max(560, left + right + data.groups.length * groupW);
  // Legend entries, wrapped into rows that fit the width.
  const legend: { s: Series; x: number; row: number }[] = [];
  let lx = left;
  let lrow = 0;
  for (const s of data.series) {
    const w = 22 + s.label.length * 6.2;
    if (lx + w > width - right && lx > left) {
      lx = left;
      lrow += 1;
    }
    legend.push({ s, x: lx, row: lrow });
    lx += w;
  }
  const top = 78 + lrow * 16;
  const labelLines = 3;
  const height = top + plotH + 18 + labelLines * 13 + (data.footnote ? 30 : 12);

  let y: (v: number) => number;
  let ticks: number[];
  if (values.length === 0) {
    y = () => top + plotH;
    ticks = [];
  } else if (log) {
    const minExp = Math.floor(Math.log10(lo));
    const maxExp = Math.ceil(Math.log10(hi));
    ticks = Array.from({ length: maxExp - minExp + 1 }, (_, i) => 10 ** (minExp + i));
    y = (v) => top + plotH - ((Math.log10(Math.max(v, 10 ** minExp)) - minExp) / (maxExp - minExp || 1)) * plotH;
  } else {
    ticks = niceTicks(hi);
    const max = ticks.at(-1)!;
    y = (v) => top + plotH - (v / max) * plotH;
  }

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="15" font-weight="bold">${esc(data.title)}</text>`);
  out.push(`<text x="${left}" y="40" font-size="11" fill="#555">${esc(data.subtitle)}${log ? ' — log scale' : ''}</text>`);
  for (const { s, x, row } of legend) {
    out.push(`<rect x="${x}" y="${52 + row * 16}" width="11" height="11" fill="${s.color}"/><text x="${x + 15}" y="${62 + row * 16}" font-size="11">${esc(s.label)}</text>`);
  }
  // Axes and grid.
  for (const t of ticks) {
    const ty = y(t);
    out.push(`<line x1="${left}" x2="${width - right}" y1="${ty}" y2="${ty}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 6}" y="${ty + 4}" font-size="10" text-anchor="end" fill="#444">${esc(msLabel(t))}</text>`);
  }
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#888"/>`);
  out.push(`<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#888"/>`);
  out.push(`<text transform="translate(14 ${top + plotH / 2}) rotate(-90)" font-size="11" text-anchor="middle" fill="#444">${esc(data.unit)}</text>`);

  data.groups.forEach((g, gi) => {
    const gx = left + groupGap / 2 + gi * groupW;
    data.series.forEach((s, si) => {
      const x = gx + si * barW;
      const bar = g.bars[s.key];
      if (bar === undefined) return;
      if (typeof bar === 'string') {
        out.push(`<text transform="translate(${x + barW / 2 + 3} ${top + plotH - 4}) rotate(-90)" font-size="9" fill="#999">${esc(bar)}</text>`);
        return;
      }
      const by = y(bar.median);
      out.push(`<rect x="${x + 1}" y="${by}" width="${barW - 2}" height="${Math.max(0.5, top + plotH - by)}" fill="${s.color}"><title>${esc(`${g.label} — ${s.label}: median ${fmt(bar.median)} ms, p90 ${fmt(bar.p90)} ms`)}</title></rect>`);
      if (bar.p90 > bar.median) {
        const py = y(bar.p90);
        out.push(`<line x1="${x + barW / 2}" x2="${x + barW / 2}" y1="${by}" y2="${py}" stroke="#222" stroke-width="1"/><line x1="${x + 5}" x2="${x + barW - 5}" y1="${py}" y2="${py}" stroke="#222"/>`);
      }
      const labelY = Math.min(y(bar.p90), by) - 4;
      out.push(`<text transform="translate(${x + barW / 2 + 3} ${labelY}) rotate(-90)" font-size="9" fill="#222">${esc(fmt(bar.median))}</text>`);
    });
    const words = g.label.split(' ');
    const lines: string[] = [];
    for (const word of words) {
      const last = lines.at(-1);
      if (last !== undefined && (last + ' ' + word).length * 6 <= groupW - 4) lines[lines.length - 1] = `${last} ${word}`;
      else lines.push(word);
    }
    lines.slice(0, labelLines).forEach((line, li) => {
      out.push(`<text x="${gx + (data.series.length * barW) / 2}" y="${top + plotH + 15 + li * 13}" font-size="10.5" text-anchor="middle">${esc(line)}</text>`);
    });
  });
  if (data.footnote) out.push(`<text x="${left}" y="${height - 10}" font-size="10" fill="#666">${esc(data.footnote)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

const COLORS: Record<string, string> = {
  'tfjs-wasm': '#1f77b4', 'tfjs-webgpu': '#9467bd', 'tfjs-cpu': '#8c8c8c',
  'ort-web-1t': '#ff7f0e', 'ort-web-2t': '#d62728', 'ort-node': '#2ca02c',
};

function barFor(c: CandidateResult | undefined): Bar | string | undefined {
  if (c === undefined) return undefined;
  if (c.status === 'ok' && c.software) return 'software';
  if (c.status === 'ok') return { median: c.stats!.median, p90: c.stats!.p90 };
  return c.status === 'skipped' ? 'not run' : c.status;
}

const SHORT: Record<string, string> = { 'vit-forward': 'ViT forward', 'train-step': 'training step', 'distill-step': 'distillation step', 'einops': 'einops' };

/** Charts of one environment: ViT forward, training + distillation, einops (ours and hand-written per backend). */
export function environmentCharts(env: EnvironmentRun, date: string): { name: string; svg: string }[] {
  const subtitle = `${env.env.runtime}, ${env.env.cpu.model} (${env.env.cpu.cores} cores), ${date.slice(0, 10)} — median ms per call, whisker p90`;
  const software = env.env.backends.some((b) => b.adapter?.isSoftware);
  const footnote = software ? 'WebGPU ran on a software adapter here (correctness only): it is left out of the charts.' : undefined;
  const charted = (key: string): boolean => !(software && key.startsWith('tfjs-webgpu'));
  const charts: { name: string; svg: string }[] = [];
  const keys = ['tfjs-wasm', 'tfjs-webgpu', 'tfjs-cpu', 'ort-web-1t', 'ort-web-2t', 'ort-node'];
  const groups: [string, Group[]][] = [['vit-forward', ['vit-forward']], ['training', ['train-step', 'distill-step']]];
  for (const [name, members] of groups) {
    const ws = env.workloads.filter((w) => members.includes(w.group));
    const used = keys.filter((k) => charted(k) && ws.some((w) => w.candidates.some((c) => c.key === k && c.status === 'ok')));
    if (ws.length === 0 || used.length === 0) continue;
    charts.push({
      name: `${name}-${env.env.name}.svg`,
      svg: barChart({
        title: `${members.map((m) => SHORT[m]).join(' and ')} — ${env.env.name}`,
        subtitle, unit: 'ms per call', footnote,
        series: used.map((k) => ({ key: k, label: k, color: COLORS[k]! })),
        groups: ws.map((w) => ({
          label: w.group === 'vit-forward' ? w.title.replace(/ forward, 224², batch /, ' b') : w.group === 'train-step' ? `train b${w.items}` : `distill b${w.items}`,
          bars: Object.fromEntries(used.map((k) => [k, barFor(w.candidates.find((c) => c.key === k))]).filter(([, b]) => b !== undefined)),
        })),
      }),
    });
  }
  const einops = env.workloads.filter((w) => w.group === 'einops');
  const backends = ['tfjs-wasm', 'tfjs-webgpu', 'tfjs-cpu'].filter((k) => charted(k) && einops.some((w) => w.candidates.some((c) => c.key === k && c.status === 'ok')));
  if (einops.length > 0) {
    const series: Series[] = backends.flatMap((k) => [
      { key: `${k}`, label: `${k} einops`, color: COLORS[k]! },
      { key: `${k} hand`, label: `${k} hand-written`, color: lighten(COLORS[k]!) },
    ]);
    charts.push({
      name: `einops-${env.env.name}.svg`,
      svg: barChart({
        title: `@vit/einops vs best hand-written tfjs — ${env.env.name}`, subtitle, unit: 'ms per call', footnote, series,
        groups: einops.map((w) => {
          const bars: Record<string, Bar | string> = {};
          for (const k of backends) {
            const ours = barFor(w.candidates.find((c) => c.key === k));
            if (ours !== undefined) bars[k] = ours;
            const hand = w.candidates.filter((c) => c.key.startsWith(`${k} `) && c.role === 'baseline' && c.status === 'ok')
              .sort((a, b) => a.stats!.median - b.stats!.median)[0];
            const handBar = barFor(hand);
            if (handBar !== undefined) bars[`${k} hand`] = handBar;
          }
          return { label: shortEinops(w.title), bars };
        }),
      }),
    });
  }
  return charts;
}

function shortEinops(title: string): string {
  const op = title.split(' ')[0]!;
  const shape = /\[[^\]]*\](x\[[^\]]*\])?/.exec(title)?.[0] ?? '';
  return `${op} ${shape}`;
}

function lighten(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const mix = (c: number): number => Math.round(c + (255 - c) * 0.55);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(mix);
  return `#${((r! << 16) | (g! << 8) | b!).toString(16).padStart(6, '0')}`;
}
