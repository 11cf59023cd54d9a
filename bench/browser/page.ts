/**
 * The bench page: the same suite as in Node, on the browser's backends, with onnxruntime-web in Web
 * Workers as peers. Parameters come from the query string; the result is left in
 * `window.__bench` for bench/browser/driver.ts.
 */
import '@vit/core';
import type { BackendName } from '../lib/backends.js';
import type { EnvironmentRun } from '../lib/results.js';
import { runSuite } from '../lib/suite.js';
import { workloads } from '../workloads/index.js';
import { browserPlatform } from './platform.js';

declare global {
  interface Window {
    __bench?: { done: boolean; result?: EnvironmentRun; error?: string };
  }
}

const params = new URLSearchParams(location.search);
const quick = params.get('quick') === '1';
const only = params.get('only')?.split(',').filter(Boolean);
const backends = (params.get('backends') ?? 'wasm,webgpu,cpu').split(',') as BackendName[];
const logElement = document.getElementById('log')!;
const log = (line: string): void => {
  console.log(line);
  logElement.textContent += `${line}\n`;
};

window.__bench = { done: false };
try {
  const result = await runSuite(browserPlatform(log), {
    quick,
    backends,
    peers: params.get('peers') !== '0',
    workloads: workloads({ quick, ...(only ? { only } : {}) }),
  });
  window.__bench = { done: true, result };
} catch (err) {
  window.__bench = { done: true, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) };
}
