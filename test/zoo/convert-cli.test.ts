// backends: cpu
/**
 * `vit convert` (packages/cli/src/commands/convert.ts): a Google `.npz` and a timm safetensors file →
 * vit checkpoints, read back through createModel({ pretrained }) and `parseSafetensors`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, parseSafetensors, VisionTransformer } from '@vit/core';
import { convertCheckpoint, registerConvert } from '../../packages/cli/src/commands/convert.js';
import { useTestBackend } from '../support/backend.js';
import { sharedPath } from '../support/shared.js';
import { assertCloseTo, interopArray, interopCase, interopInput } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vit-convert-'));
before(async () => { await useTestBackend(); });
after(() => rmSync(dir, { recursive: true, force: true }));

const NPZ = interopCase('google_npz_jeonsworld');
const DEIT = interopCase('timm_deit_distilled');

describe('vit convert', () => {
  it('npz → safetensors with timm names and vit metadata; loads back to the reference logits', async () => {
    const out = path.join(dir, 'npz.safetensors');
    const summary = await convertCheckpoint(sharedPath(`fixtures/interop/${NPZ.weights.file}`), out, { numHeads: '4' });
    assert.equal(summary['format'], 'npz');
    assert.equal(summary['model'], 'vit_base_patch16_224');
    const parsed = parseSafetensors(readFileSync(out));
    assert.equal(parsed.metadata['format'], 'vit-tfjs-checkpoint/1');
    const spec = JSON.parse(parsed.metadata['spec']!) as { arch: string; options: Record<string, unknown> };
    assert.equal(spec.arch, 'vit_base_patch16_224');
    assert.deepEqual([spec.options['embedDim'], spec.options['depth'], spec.options['numHeads'], spec.options['numClasses']], [64, 2, 4, 10]);
    assert.ok('blocks.1.attn.qkv.weight' in parsed.entries);
    const model = await createModel(spec.arch, { ...spec.options, pretrained: out });
    model.eval();
    const x = interopInput(NPZ);
    const y = model.forward(x);
    await assertCloseTo(y, interopArray(NPZ.outputs['logits']!.f64_reference!), [2, 10], 1e-5, 1e-5, 'logits');
    tf.dispose([x, y]);
    model.dispose();
  });

  it('through commander, with --img-size (resampled table) and a distilled DeiT file', async () => {
    const program = new Command('vit').exitOverride();
    registerConvert(program);
    const out = path.join(dir, 'deit48.safetensors');
    const log = console.log;
    const lines: string[] = [];
    console.log = (...args: unknown[]) => { lines.push(args.join(' ')); };
    try {
      await program.parseAsync(['node', 'vit', 'convert', sharedPath(`fixtures/interop/${DEIT.weights.file}`), out, '--num-heads', '4', '--img-size', '48']);
    } finally {
      console.log = log;
    }
    assert.match(lines.join('\n'), /→ .*deit48.safetensors: deit_base_distilled_patch16_224/);
    const parsed = parseSafetensors(readFileSync(out));
    assert.deepEqual(parsed.entries['pos_embed']!.shape, [1, 38, 64]);
    const spec = JSON.parse(parsed.metadata['spec']!) as { arch: string; options: Record<string, unknown> };
    const model = await createModel(spec.arch, { ...spec.options, pretrained: out }) as VisionTransformer;
    assert.deepEqual(model.config.imgSize, [48, 48]);
    model.dispose();
  });

  it('clear errors: unreadable input, not a ViT checkpoint, heads that do not divide', async () => {
    await assert.rejects(convertCheckpoint(path.join(dir, 'missing.npz'), path.join(dir, 'x.safetensors')), /cannot read/);
    const junk = path.join(dir, 'junk.bin');
    writeFileSync(junk, new Uint8Array(64));
    await assert.rejects(convertCheckpoint(junk, path.join(dir, 'x.safetensors')), /unrecognised checkpoint/);
    await assert.rejects(convertCheckpoint(sharedPath(`fixtures/interop/${NPZ.weights.file}`), path.join(dir, 'x.safetensors')), /embedDim 64 must be divisible by numHeads 12/);
    await assert.rejects(convertCheckpoint(sharedPath(`fixtures/interop/${NPZ.weights.file}`), path.join(dir, 'x.safetensors'), { model: 'nope' }), /Unknown model 'nope'/);
  });
});
