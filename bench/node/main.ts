/**
 * The Node environment, run as its own process by bench/run.ts (one engine, one set of backends):
 *   node --import tsx bench/node/main.ts --json <file> [--quick] [--backends wasm,webgpu,cpu] [--only id,...] [--no-peers]
 * Writes an EnvironmentRun as JSON.
 */
import { writeFileSync } from 'node:fs';
import '@vit/core';
import { BACKENDS, type BackendName } from '../lib/backends.js';
import { runSuite } from '../lib/suite.js';
import { workloads } from '../workloads/index.js';
import { nodePlatform } from './platform.js';

const args = process.argv.slice(2);
const value = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const json = value('--json');
const backends = (value('--backends')?.split(',') ?? [...BACKENDS]) as BackendName[];
const only = value('--only')?.split(',');

const run = await runSuite(nodePlatform, {
  quick,
  backends,
  peers: !args.includes('--no-peers'),
  workloads: workloads({ quick, ...(only ? { only } : {}) }),
});
if (json) writeFileSync(json, JSON.stringify(run, null, 1));
else console.log(JSON.stringify(run, null, 1));
// Dawn and the worker threads can keep the event loop alive.
process.exit(0);
