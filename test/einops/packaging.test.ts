// backends: cpu
/**
 * The package as users get it: a plain Node ES module at the repository root imports the built
 * `@vit/einops`, with types, one copy of tfjs-core, and working gradients.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('@vit/einops packaging', () => {
  it('a plain Node ES module imports it and differentiates through it', () => {
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import '@tensorflow/tfjs-backend-cpu';
      import { rearrange, einsum, missingGradients } from '@vit/einops';
      const x = tf.tensor([[1, 2, 3], [4, 5, 6]]);
      const y = rearrange(x, 'a b -> b a');
      const g = tf.grad((t) => einsum(t, t, 'i j, i j ->'))(x);
      console.log(JSON.stringify({ y: y.arraySync(), g: g.arraySync(), missing: missingGradients(), reshape: typeof x.reshape }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    assert.deepEqual(result.y, [[1, 4], [2, 5], [3, 6]]);
    assert.deepEqual(result.g, [[2, 4, 6], [8, 10, 12]]);
    assert.deepEqual(result.missing, []);
    assert.equal(result.reshape, 'function', 'chained ops are registered');
  });

  it("loads in Node without chevrotain's lodash-es module tree (its single-file build instead)", () => {
    // A resolve hook records every module the import loads.
    const hook = `
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        console.log('loaded ' + result.url);
        return result;
      }`;
    const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import '@tensorflow/tfjs-backend-cpu';
      import { rearrange } from '@vit/einops';
      console.log('result ' + JSON.stringify(rearrange(tf.tensor([[1, 2]]), 'a b -> b a').arraySync()));
    `;
    const out = execFileSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script],
      { cwd: root, encoding: 'utf8' });
    const loaded = out.split('\n').filter((l) => l.startsWith('loaded ')).map((l) => l.slice('loaded '.length));
    assert.ok(out.includes('result [[1],[2]]'), out);
    assert.ok(loaded.some((url) => url.endsWith('/chevrotain/lib/chevrotain.mjs')), `chevrotain's bundle was not loaded:\n${loaded.join('\n')}`);
    assert.deepEqual(loaded.filter((url) => url.includes('/lodash-es/') || url.includes('/chevrotain/lib/src/')), []);
  });

  it('ships built JS with declarations behind an exports map', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'packages/einops/package.json'), 'utf8'));
    const entry = pkg.exports['.'];
    for (const file of [entry.types, entry.node, entry.default]) {
      assert.ok(existsSync(path.join(root, 'packages/einops', file)), `${file} is built`);
    }
    assert.equal(pkg.peerDependencies['@tensorflow/tfjs-core'] !== undefined, true);
    assert.equal(pkg.dependencies?.['@tensorflow/tfjs-core'], undefined, 'tfjs-core is a peer, never a dependency');
  });

  it('resolves exactly one tfjs-core from every package', () => {
    const fromRoot = createRequire(path.join(root, 'package.json')).resolve('@tensorflow/tfjs-core');
    for (const pkg of ['packages/einops', 'packages/vit', 'packages/vit-distill']) {
      const resolved = createRequire(path.join(root, pkg, 'package.json')).resolve('@tensorflow/tfjs-core');
      assert.equal(resolved, fromRoot, `${pkg} resolves tfjs-core at ${resolved}`);
    }
  });
});
