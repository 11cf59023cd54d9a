// The dev server also serves the repository's runs/ folder (what `npm start` writes) at /runs/, so
// /runs/start/teacher/model.safetensors loads right after `npm start`. A built app serves no checkpoints.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const RUNS = resolve(dirname(fileURLToPath(import.meta.url)), '../../runs');

function serveRuns(): Plugin {
  return {
    name: 'serve-runs',
    configureServer(server) {
      server.middlewares.use('/runs', (req, res, next) => {
        const file = join(RUNS, decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname));
        if (!file.startsWith(RUNS + sep) || !existsSync(file) || !statSync(file).isFile()) return next();
        res.setHeader('content-type', 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
  };
}

export default defineConfig({ plugins: [serveRuns()] });
