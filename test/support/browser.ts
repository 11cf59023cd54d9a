/**
 * Browser tests: a static file server for a Vite build and headless Debian Chromium through
 * playwright-core (`apt-get install chromium`; .ci/run installs it).
 */
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {extname, join, sep} from 'node:path';

import {chromium, type Browser} from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
// test/README.md and /work/shared/notes: quiet offline headless flags, plus WebGPU.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu',
];

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves `dir` on 127.0.0.1 (an ephemeral port); `.wasm` as application/wasm, which streaming compilation needs. */
export async function serveDirectory(dir: string): Promise<{server: Server; url: string; close(): Promise<void>}> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir + sep)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, {'content-type': MIME[extname(file)] ?? 'application/octet-stream'}).end(body);
    } catch {
      res.writeHead(404).end(`not found: ${path}`);
    }
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const close = async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  };
  return {server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close};
}

export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM),
    `${CHROMIUM} not found: this test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`);
  return await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000});
}

/**
 * Whether a browser without WebGPU may pass: no by default, since Debian's Chromium offers WebGPU
 * on its SwiftShader adapter (CI's setup); `VIT_BROWSER_WEBGPU=optional` allows it elsewhere.
 */
export const WEBGPU_OPTIONAL = process.env['VIT_BROWSER_WEBGPU'] === 'optional';
