// Builds dist/tfjs-gradients.node.cjs: tfjs-core's own gradient definitions and chained ops,
// re-linked against tfjs-core's public CommonJS entry.
//
// Why: the Node (CJS) entry of @tensorflow/tfjs-core registers no gradients and no chained ops,
// and its ESM gradient files use extension-less imports that plain Node cannot load. Loading those
// ESM files through a bundler would also bring a second copy of tfjs-core's internals. Here we
// bundle only the gradient and chained-op files and point every other tfjs-core module they import
// at the one public CJS copy, so exactly one engine, one Tensor class and one registry exist.
// Every imported name is checked against the public API at build time: a tfjs-core upgrade that
// breaks the mapping fails the build instead of producing an undefined op at run time.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.join(here, '..', 'dist', 'tfjs-gradients.node.cjs');
const coreDist = path.dirname(require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js'));
const tf = require('@tensorflow/tfjs-core');

// Files we take from tfjs-core as they are; everything else they import is mapped to the public API.
// Besides the gradient and chained-op files, that is the few backprop ops (conv2DBackpropFilter,
// maxPoolGrad, ...) that tfjs-core does not export: thin `runKernel` wrappers over the same engine.
const ownedCache = new Map();
const isOwnedFile = (file) => {
  const rel = path.relative(coreDist, file).split(path.sep).join('/');
  if (rel === 'register_all_gradients.js' || rel.startsWith('gradients/') || rel.startsWith('public/chained_ops/')) return true;
  if (!/^ops\/[a-z0-9_]+\.js$/.test(rel) || rel.endsWith('_util.js')) return false;
  if (!ownedCache.has(file)) {
    const exported = [...readFileSync(file, 'utf8').matchAll(/export (?:const|function) (\w+)/g)].map((m) => m[1]);
    ownedCache.set(file, exported.some((name) => !(name in tf)));
  }
  return ownedCache.get(file);
};

// Where each internal module's exports live in the public API.
function publicNamespaceFor(rel) {
  if (rel === 'util.js') return { expr: 'tf.util', obj: tf.util };
  if (rel === 'engine.js') return { expr: '{ ENGINE: tf.engine() }', obj: { ENGINE: tf.engine() } };
  if (rel === 'tensor.js') {
    return { expr: '{ Tensor: tf.Tensor, getGlobalTensorClass: () => tf.Tensor }', obj: { Tensor: tf.Tensor, getGlobalTensorClass: 1 } };
  }
  if (rel.startsWith('ops/image/')) return { expr: 'tf.image', obj: tf.image };
  if (rel === 'ops/slice_util.js') return { expr: 'tf.slice_util', obj: tf.slice_util };
  if (rel === 'tensor_util_env.js') {
    // Gradient code only passes tensors here; anything else is converted the public way.
    const convertToTensor = 'convertToTensor: (x, name, fn, dtype) => (x instanceof tf.Tensor ? x : tf.tensor(x, undefined, dtype === "numeric" ? undefined : dtype))';
    return { expr: `{ ${convertToTensor} }`, obj: { convertToTensor: 1 } };
  }
  if (/^ops\/[a-z_]*_util\.js$/.test(rel)) return { expr: 'tf.backend_util', obj: tf.backend_util };
  return { expr: 'tf', obj: tf };
}

const importedNames = new Map(); // internal module -> names imported from it
function recordImports(file) {
  const src = readFileSync(file, 'utf8');
  // Namespace imports (`import * as util from '../util'`): record the members actually used.
  for (const m of src.matchAll(/import\s*\*\s*as\s+(\w+)\s+from\s*'([^']+)'/g)) {
    const resolved = path.resolve(path.dirname(file), m[2]);
    const target = resolved.endsWith('.js') ? resolved : resolved + '.js';
    if (isOwnedFile(target)) continue;
    const set = importedNames.get(target) ?? new Set();
    for (const use of src.matchAll(new RegExp(`\\b${m[1]}\\.(\\w+)`, 'g'))) set.add(use[1]);
    importedNames.set(target, set);
  }
  for (const m of src.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    const resolved = path.resolve(path.dirname(file), m[2]);
    const target = resolved.endsWith('.js') ? resolved : resolved + '.js';
    if (isOwnedFile(target)) continue;
    const names = m[1].split(',').map((s) => s.trim().split(/\s+as\s+/)[0]).filter(Boolean);
    const set = importedNames.get(target) ?? new Set();
    names.forEach((n) => set.add(n));
    importedNames.set(target, set);
  }
}

const relinkPlugin = {
  name: 'relink-tfjs-core',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (!args.importer.startsWith(coreDist)) return undefined;
      const resolved = path.resolve(args.resolveDir, args.path);
      const target = resolved.endsWith('.js') ? resolved : resolved + '.js';
      if (isOwnedFile(target)) return { path: target };
      // One virtual module per public namespace (not per internal file): each costs an interop copy
      // of its namespace's properties when the bundle loads, ~2 ms for the whole of `tf`.
      const rel = path.relative(coreDist, target).split(path.sep).join('/');
      return { path: publicNamespaceFor(rel).expr, namespace: 'tfjs-public' };
    });
    b.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
      if (args.path.startsWith(coreDist)) recordImports(args.path);
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'tfjs-public' }, (args) => {
      return {
        contents: `const tf = require('@tensorflow/tfjs-core');\nmodule.exports = ${args.path};\n`,
        loader: 'js',
        resolveDir: coreDist,
      };
    });
  },
};

const entry = `import './register_all_gradients.js';\nimport './public/chained_ops/register_all_chained_ops.js';\n`;
mkdirSync(path.dirname(outfile), { recursive: true });
await build({
  stdin: { contents: entry, resolveDir: coreDist, sourcefile: 'tfjs-gradients-entry.js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile,
  external: ['@tensorflow/tfjs-core'],
  plugins: [relinkPlugin],
  logLevel: 'warning',
  legalComments: 'none',
  banner: { js: '// Generated by scripts/relink-tfjs-gradients.mjs from @tensorflow/tfjs-core (Apache-2.0). Do not edit.' },
});

// esbuild's CJS interop helper copies a module's properties (getters for all of `tf`) at every
// importing module: ~700 copies here, most of the bundle's ~200 ms load time. The namespaces are
// read-only, so one copy per module is enough: memoise the helper.
const helper = 'var __toESM = (mod2, isNodeMode, target) =>';
const bundled = readFileSync(outfile, 'utf8');
if (!bundled.includes(helper)) {
  console.error(`relink-tfjs-gradients: esbuild's interop helper changed (no '${helper}'): update the memoisation`);
  process.exit(1);
}
writeFileSync(outfile, bundled.replace(helper, [
  'var __toESMCache = new WeakMap();',
  'var __toESM = (mod2, isNodeMode) => {',
  '  if (isNodeMode || mod2 === null || typeof mod2 !== "object" && typeof mod2 !== "function") return __toESMCopy(mod2, isNodeMode);',
  '  let ns = __toESMCache.get(mod2);',
  '  if (ns === undefined) __toESMCache.set(mod2, ns = __toESMCopy(mod2));',
  '  return ns;',
  '};',
  'var __toESMCopy = (mod2, isNodeMode, target) =>',
].join('\n')));

const missing = [];
for (const [file, names] of importedNames) {
  const rel = path.relative(coreDist, file).split(path.sep).join('/');
  const { obj } = publicNamespaceFor(rel);
  for (const name of names) if (!(name in obj)) missing.push(`${rel}: ${name}`);
}
if (missing.length > 0) {
  console.error('relink-tfjs-gradients: names not available from the public tfjs-core API:\n  ' + missing.join('\n  '));
  process.exit(1);
}
console.log(`relink-tfjs-gradients: wrote ${path.relative(process.cwd(), outfile)} (${importedNames.size} tfjs-core modules mapped to the public API)`);
