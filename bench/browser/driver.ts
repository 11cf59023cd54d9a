/**
 * The browser environment, run as its own process by bench/run.ts: bundles bench/browser with Vite,
 * serves it from http://127.0.0.1 (cross-origin isolated, so WASM can use threads) together with
 * the model files, runs it in headless Chromium through playwright-core, and writes the page's
 * EnvironmentRun as JSON.
 *
 *   node --import tsx bench/browser/driver.ts --json <file> [--quick] [--backends ...] [--only ...] [--no-peers]
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { nodeCpu } from '../node/platform.js';
import { assetPath, BENCH_DIR } from '../lib/paths.js';
import type { EnvironmentRun } from '../lib/results.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
// /work/shared/notes/tfjs.md: quiet offline headless flags, plus WebGPU.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu',
  // More flags, e.g. for a real GPU in headless Chromium: --enable-features=Vulkan --use-angle=vulkan --ignore-gpu-blocklist
  ...(process.env['VIT_BENCH_CHROMIUM_ARGS']?.split(/\s+/).filter(Boolean) ?? []),
];
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json',
};

const args = process.argv.slice(2);
const value = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');

/** Static server: the bundle at /, model files at /assets/peers/* and /assets/cache/*; COOP + COEP for threads. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    let file: string;
    try {
      file = path.startsWith('/assets/peers/') || path.startsWith('/assets/cache/')
        ? assetPath(path.slice('/assets/'.length))
        : join(dir, path.endsWith('/') ? `${path}index.html` : path);
    } catch {
      return void res.writeHead(400).end();
    }
    if (!path.startsWith('/assets/') && !file.startsWith(dir + sep)) return void res.writeHead(403).end();
    if (!existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end(`not found: ${path}`);
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the browser run needs Debian's chromium (apt-get install chromium) or CHROMIUM_PATH`);
  const outDir = mkdtempSync(join(tmpdir(), 'vit-bench-page-'));
  const t0 = performance.now();
  await build({
    root: resolve(BENCH_DIR, 'browser'),
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'esnext', assetsInlineLimit: 0, chunkSizeWarningLimit: 8192, reportCompressedSize: false },
    worker: { format: 'es' },
  });
  console.log(`page bundled with Vite in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const { server, url } = await serve(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(m.type() === 'log' ? m.text() : `[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    const query = new URLSearchParams();
    if (quick) query.set('quick', '1');
    for (const [flag, key] of [['--backends', 'backends'], ['--only', 'only']] as const) if (value(flag)) query.set(key, value(flag)!);
    if (args.includes('--no-peers')) query.set('peers', '0');
    await page.goto(`${url}?${query}`);
    await page.waitForFunction(() => window.__bench?.done === true, null, { timeout: 45 * 60_000, polling: 1000 });
    const outcome = await page.evaluate(() => window.__bench!);
    if (outcome.error !== undefined || outcome.result === undefined) throw new Error(`the page failed: ${outcome.error}`);
    const result: EnvironmentRun = outcome.result;
    // What the page cannot see: the browser's own version and the host CPU.
    result.env.runtime = `Chromium ${browser.version()}`;
    result.env.cpu = { ...nodeCpu(), cores: result.env.cpu.cores };
    const json = value('--json');
    if (json) writeFileSync(json, JSON.stringify(result, null, 1));
    else console.log(JSON.stringify(result, null, 1));
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
