// backends: cpu
/**
 * Every `vit` command end to end on tiny data, as a user runs it: real processes, real files in the
 * formats the commands read (CIFAR-10 binary batches, PNG / JPEG folders, safetensors).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSafetensors } from '@vit/core';
import { encodeCifar10, encodeJpeg, encodePng, generateShapes10 } from '@vit/cli';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(root, 'packages/cli/dist/bin.js');
const work = mkdtempSync(path.join(os.tmpdir(), 'vit-cli-'));
const TINY = ['--patch-size', '8', '--dim', '16', '--depth', '1', '--heads', '2', '--mlp-dim', '32', '--dim-head', '8', '--batch-size', '8', '--quiet'];
const SMALL_DATA = ['--train-size', '64', '--test-size', '24'];

function vit(...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function ok(...args: string[]): string {
  const r = vit(...args);
  assert.equal(r.code, 0, `vit ${args.join(' ')} failed:\n${r.out}`);
  return r.out;
}

function metadata(file: string): Record<string, string> {
  return parseSafetensors(readFileSync(file)).metadata;
}

describe('vit CLI', () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it('start: trains, evaluates, distills, saves both models and sample images, prints the table', () => {
    const out = ok('start', '--teacher-steps', '2', '--student-steps', '2', '--train-size', '128', '--test-size', '40', '--quiet', '--out', 'run-start', '--backend', 'wasm');
    assert.match(out, /\| teacher ViT .*\| +\d+\.\d\d% +\| +[\d.]+ +\| +[\d.]+ +\| +319,978 +\| wasm +\| run-start\/teacher\/model\.safetensors/);
    assert.match(out, /\| student ViT .*distilled +\| +\d+\.\d\d% +\| .*\| +114,634 +\| wasm +\| run-start\/student\/model\.safetensors/);
    assert.equal(metadata(path.join(work, 'run-start/teacher/model.safetensors'))['step'], '2');
    assert.match(metadata(path.join(work, 'run-start/student/model.safetensors'))['extra']!, /"hard":true/);
    const samples = ['disk', 'square', 'triangle', 'ring', 'cross', 'h-stripes', 'v-stripes', 'checkerboard', 'diagonal', 'dots'].map((c) => `run-start/samples/${c}.png`);
    const predictions = JSON.parse(ok('predict', ...samples, '--checkpoint', 'run-start/student/model.safetensors', '--json', '--backend', 'wasm'));
    assert.deepEqual(predictions.map((p: { file: string }) => p.file), samples);
  });

  it('train: synthetic data, saves model and checkpoint, prints the summary', () => {
    const out = ok('train', ...TINY, ...SMALL_DATA, '--steps', '3', '--out', 'run-a', '--backend', 'wasm');
    assert.match(out, /test accuracy/);
    assert.match(out, /wasm/);
    const meta = metadata(path.join(work, 'run-a/model.safetensors'));
    assert.equal(meta['step'], '3');
    assert.deepEqual(JSON.parse(meta['classes']!).length, 10);
  });

  it('train --resume continues exactly where the checkpoint left off', () => {
    ok('train', ...TINY, ...SMALL_DATA, '--steps', '5', '--out', 'straight', '--backend', 'cpu');
    ok('train', ...TINY, ...SMALL_DATA, '--steps', '5', '--stop-at', '3', '--out', 'resumed', '--backend', 'cpu');
    // The interrupted run resumes from step 3 (model, optimizer state, data order, schedule).
    const out = ok('train', ...TINY, ...SMALL_DATA, '--steps', '5', '--out', 'resumed', '--resume', '--backend', 'cpu');
    assert.match(out, /at step 3/);
    const a = readFileSync(path.join(work, 'straight/model.safetensors'));
    const b = readFileSync(path.join(work, 'resumed/model.safetensors'));
    const pa = parseSafetensors(a);
    const pb = parseSafetensors(b);
    for (const [name, entry] of Object.entries(pa.entries)) {
      assert.deepEqual(Buffer.from(pb.entries[name]!.data), Buffer.from(entry.data), `${name} differs after resume`);
    }
  });

  it('eval and info read the checkpoint', () => {
    const evalOut = ok('eval', '--checkpoint', 'run-a/model.safetensors', '--test-size', '24', '--quiet', '--backend', 'cpu');
    assert.match(evalOut, /\| 24 +\|/);
    const info = ok('info', 'run-a/model.safetensors');
    assert.match(info, /to_patch_embedding\.2\.weight +F32 +\[16, 192\]/);
    assert.match(info, /parameters/);
    const json = JSON.parse(ok('info', 'run-a/model.safetensors', '--json'));
    assert.equal(json.parameters, json.tensors.reduce((n: number, t: { size: number }) => n + t.size, 0));
  });

  it('predict gives top-k class names for PNG and JPEG files', () => {
    const d = generateShapes10({ count: 2, seed: 5 });
    const image = (i: number) => ({ width: 32, height: 32, data: d.pixels.subarray(i * 3072, (i + 1) * 3072) });
    writeFileSync(path.join(work, 'a.png'), encodePng(image(0)));
    writeFileSync(path.join(work, 'b.jpg'), encodeJpeg(image(1)));
    const out = JSON.parse(ok('predict', 'a.png', 'b.jpg', '--checkpoint', 'run-a/model.safetensors', '--top-k', '3', '--json', '--backend', 'cpu'));
    assert.equal(out.length, 2);
    for (const p of out) {
      assert.equal(p.top.length, 3);
      assert.ok(p.top.every((t: { label: string }) => typeof t.label === 'string' && t.label.length > 0));
      assert.ok(p.top[0].probability >= p.top[1].probability);
    }
  });

  it('distill: a teacher checkpoint teaches a smaller student', () => {
    const out = ok('distill', '--teacher', 'run-a/model.safetensors', ...TINY, '--dim', '8', '--dim-head', '4', ...SMALL_DATA, '--steps', '2', '--hard', '--out', 'student', '--backend', 'cpu');
    assert.match(out, /student/);
    const meta = metadata(path.join(work, 'student/model.safetensors'));
    assert.equal(JSON.parse(meta['spec']!).options.dim, 8);
    assert.match(meta['extra']!, /distilledFrom/);
  });

  it('reads CIFAR-10 binary batches and image folders', () => {
    const d = generateShapes10({ count: 20, seed: 9 });
    const cifar = path.join(work, 'cifar');
    mkdirSync(cifar);
    writeFileSync(path.join(cifar, 'data_batch_1.bin'), encodeCifar10(d.pixels.subarray(0, 16 * 3072), d.labels.subarray(0, 16)));
    writeFileSync(path.join(cifar, 'test_batch.bin'), encodeCifar10(d.pixels.subarray(16 * 3072), d.labels.subarray(16)));
    const out = ok('train', ...TINY, '--dataset', 'cifar10', '--data-dir', 'cifar', '--steps', '2', '--out', 'run-cifar', '--backend', 'cpu');
    assert.match(out, /cifar10 \(16\/4\)/);

    const folder = path.join(work, 'folder');
    for (const split of ['train', 'test']) {
      for (const cls of ['cats', 'dogs']) {
        mkdirSync(path.join(folder, split, cls), { recursive: true });
        for (let i = 0; i < 4; i++) {
          const img = { width: 40, height: 36, data: new Uint8Array(40 * 36 * 3).fill(cls === 'cats' ? 30 + i : 200 - i) };
          writeFileSync(path.join(folder, split, cls, `${i}.${i % 2 === 0 ? 'png' : 'jpg'}`), i % 2 === 0 ? encodePng(img) : encodeJpeg(img));
        }
      }
    }
    const folderOut = ok('train', ...TINY, '--dataset', 'folder', '--data-dir', 'folder', '--steps', '2', '--out', 'run-folder', '--backend', 'cpu');
    assert.match(folderOut, /folder|train \(8\/8\)/);
    assert.deepEqual(JSON.parse(metadata(path.join(work, 'run-folder/model.safetensors'))['classes']!), ['cats', 'dogs']);
  });

  it('trains a registry model and fine-tunes it on another dataset with a new head', () => {
    const REG = ['--model', 'vit_tiny_patch16_224', '--img-size', '32', '--patch-size', '8', '--dim', '16', '--depth', '1', '--heads', '2', '--batch-size', '8', '--quiet'];
    const out = ok('train', ...REG, ...SMALL_DATA, '--steps', '2', '--out', 'run-reg', '--backend', 'cpu');
    assert.match(out, /vit_tiny_patch16_224/);
    const spec = JSON.parse(metadata(path.join(work, 'run-reg/model.safetensors'))['spec']!);
    assert.deepEqual(spec, { arch: 'vit_tiny_patch16_224', options: { imgSize: 32, numClasses: 10, inChans: 3, patchSize: 8, embedDim: 16, depth: 1, numHeads: 2 } });
    const tuned = ok('train', ...REG, '--dataset', 'folder', '--data-dir', 'folder', '--pretrained', 'run-reg/model.safetensors', '--steps', '2', '--out', 'run-tuned', '--backend', 'cpu');
    assert.match(tuned, /head\.weight/, 'the 10-class head is replaced by a 2-class one');
    assert.equal(JSON.parse(metadata(path.join(work, 'run-tuned/model.safetensors'))['classes']!).length, 2);
  });

  it('fails with one clear line for a missing data dir, a corrupt checkpoint, a head mismatch, an unknown backend', () => {
    const cases: Array<[string[], RegExp]> = [
      [['train', ...TINY, '--dataset', 'cifar10', '--data-dir', 'nowhere', '--backend', 'cpu'], /data directory nowhere does not exist/],
      [['eval', '--checkpoint', 'corrupt.safetensors', '--backend', 'cpu'], /not a valid safetensors file/],
      [['eval', '--checkpoint', 'run-a/model.safetensors', '--dataset', 'folder', '--data-dir', 'folder', '--backend', 'cpu'], /head size mismatch/],
      [['train', '--backend', 'tpu'], /Allowed choices are wasm, webgpu, cpu|unknown backend/],
      [['info', 'missing.safetensors'], /no such file|ENOENT|does not exist/],
    ];
    writeFileSync(path.join(work, 'corrupt.safetensors'), Buffer.from('this is not a checkpoint at all'));
    for (const [args, message] of cases) {
      const r = vit(...args);
      assert.notEqual(r.code, 0, `vit ${args.join(' ')} should fail`);
      assert.match(r.out, message, `vit ${args.join(' ')}`);
      assert.doesNotMatch(r.out, /\n\s+at .+:\d+:\d+/, 'no stack trace');
    }
  });
});
