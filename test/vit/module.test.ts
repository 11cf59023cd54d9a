// backends: cpu, wasm
/**
 * The nn.Module system: PyTorch names and order, live variables, stateDict copies in PyTorch
 * layouts, loadStateDict with PyTorch's strict semantics (and no change on failure), train/eval,
 * hooks, containers, einops children, disposal.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { EinMix, Rearrange } from '@vit/einops';
import { Dropout, Identity, LayerNorm, Linear, Module, ModuleList, Sequential, ViT } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { seeded, values, withoutLeaks } from './helpers.js';

const TINY = { imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: 1, heads: 2, dimHead: 4, mlpDim: 16 } as const;

/** vit-pytorch's `named_parameters()` order for ViT(depth=1) (own parameters first, then children in registration order). */
const VIT_DEPTH1_KEYS = [
  'cls_token', 'pos_embedding',
  'to_patch_embedding.1.weight', 'to_patch_embedding.1.bias', 'to_patch_embedding.2.weight', 'to_patch_embedding.2.bias',
  'to_patch_embedding.3.weight', 'to_patch_embedding.3.bias',
  'transformer.norm.weight', 'transformer.norm.bias',
  'transformer.layers.0.0.norm.weight', 'transformer.layers.0.0.norm.bias', 'transformer.layers.0.0.to_qkv.weight',
  'transformer.layers.0.0.to_out.0.weight', 'transformer.layers.0.0.to_out.0.bias',
  'transformer.layers.0.1.net.0.weight', 'transformer.layers.0.1.net.0.bias', 'transformer.layers.0.1.net.1.weight',
  'transformer.layers.0.1.net.1.bias', 'transformer.layers.0.1.net.4.weight', 'transformer.layers.0.1.net.4.bias',
  'mlp_head.weight', 'mlp_head.bias',
];

async function snapshot(model: Module): Promise<Record<string, number[]>> {
  const state = model.stateDict();
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(state)) out[k] = Array.from(await t.data());
  tf.dispose(Object.values(state));
  return out;
}

class Pair extends Module {
  readonly a: Linear;
  readonly inner: Sequential;
  readonly scale: tf.Variable;
  constructor() {
    super();
    this.a = this.addModule('a', new Linear(3, 2));
    this.scale = this.addParameter('scale', () => tf.ones([2]));
    this.inner = this.addModule('inner', new Sequential(new Identity(), new LayerNorm(2)));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.inner.forward(tf.mul(this.a.forward(x), this.scale)));
  }
}

describe(`nn.Module on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('namedParameters and stateDict keys are vit-pytorch\'s, in PyTorch\'s order', () => {
    const model = new ViT(TINY);
    assert.deepEqual(Object.keys(model.namedParameters()), VIT_DEPTH1_KEYS);
    const state = model.stateDict();
    assert.deepEqual(Object.keys(state), VIT_DEPTH1_KEYS);
    tf.dispose(Object.values(state));
    // own parameters come before children even when registered after them
    const pair = new Pair();
    assert.deepEqual(Object.keys(pair.namedParameters()), ['scale', 'a.weight', 'a.bias', 'inner.1.weight', 'inner.1.bias']);
    pair.dispose();
    model.dispose();
  });

  it('namedParameters are the live trainable variables; a Linear variable is [in, out], its state [out, in]', async () => {
    const model = new ViT(TINY);
    const params = model.namedParameters();
    for (const v of Object.values(params)) {
      assert.ok(v instanceof tf.Variable && v.trainable);
    }
    assert.equal(params['mlp_head.weight'], model.mlpHead!.weight);
    assert.deepEqual(params['mlp_head.weight']!.shape, [8, 3]);
    assert.deepEqual(params['transformer.layers.0.0.to_qkv.weight']!.shape, [8, 24]);
    const state = model.stateDict();
    assert.deepEqual(state['mlp_head.weight']!.shape, [3, 8]);
    assert.deepEqual(state['transformer.layers.0.0.to_qkv.weight']!.shape, [24, 8]);
    const v = await values(params['mlp_head.weight']!);
    const s = await values(state['mlp_head.weight']!);
    for (let i = 0; i < 8; i++) for (let o = 0; o < 3; o++) assert.equal(s[o * 8 + i], v[i * 3 + o]);
    tf.dispose(Object.values(state));
    model.dispose();
  });

  it('every instance has its own uniquely named variables', async () => {
    const a = new ViT(TINY);
    const b = new ViT(TINY);
    const names = [...a.parameters(), ...b.parameters()].map((v) => v.name);
    assert.equal(new Set(names).size, names.length);
    const before = await snapshot(b);
    const state = a.stateDict();
    b.loadStateDict(state);
    tf.dispose(Object.values(state));
    a.dispose(); // b keeps working on its own copies
    assert.notDeepEqual(await snapshot(b), before);
    const out = b.forward(tf.zeros([1, 3, 8, 8]));
    assert.deepEqual(out.shape, [1, 3]);
    out.dispose();
    b.dispose();
  });

  it('stateDict returns copies the caller owns', async () => {
    const model = new Pair();
    const state = model.stateDict();
    const kept = Array.from(await state['scale']!.data());
    tf.dispose(Object.values(state));
    assert.deepEqual(Array.from(await model.scale.data()), kept, 'disposing the copies leaves the model alone');
    const again = model.stateDict();
    model.scale.assign(tf.tensor1d([5, 6]));
    assert.deepEqual(Array.from(await again['scale']!.data()), [1, 1], 'a later change does not reach an earlier copy');
    tf.dispose(Object.values(again));
    model.dispose();
  });

  it('loadStateDict copies the values (the caller keeps and may dispose its tensors)', async () => {
    const source = new Pair();
    const target = new Pair();
    const state = source.stateDict();
    assert.deepEqual(target.loadStateDict(state), { missingKeys: [], unexpectedKeys: [] });
    assert.ok(Object.values(state).every((t) => !t.isDisposed));
    tf.dispose(Object.values(state));
    assert.deepEqual(await snapshot(target), await snapshot(source));
    source.dispose();
    target.dispose();
  });

  it('strict load: missing and unexpected keys are errors that list them, and nothing changes', async () => {
    const model = new Pair();
    const before = await snapshot(model);
    const state = model.stateDict();
    const extra = tf.zeros([2]);
    const bad: Record<string, tf.Tensor> = { ...state, 'inner.9.weight': extra };
    delete bad['a.bias'];
    bad['scale'] = tf.fill([2], 7);
    assert.throws(() => model.loadStateDict(bad), (e: Error) => {
      assert.match(e.message, /Error\(s\) in loading state_dict for Pair/);
      assert.match(e.message, /Missing key\(s\) in state_dict: "a\.bias"/);
      assert.match(e.message, /Unexpected key\(s\) in state_dict: "inner\.9\.weight"/);
      return true;
    });
    assert.deepEqual(await snapshot(model), before, 'a failed load changes nothing');
    // strict = false: loads what matches, reports the rest
    assert.deepEqual(model.loadStateDict(bad, { strict: false }), { missingKeys: ['a.bias'], unexpectedKeys: ['inner.9.weight'] });
    assert.deepEqual(Array.from(await model.scale.data()), [7, 7]);
    tf.dispose([...Object.values(state), extra, bad['scale']!]);
    model.dispose();
  });

  it('a shape mismatch is an error even when not strict, in PyTorch layout terms', async () => {
    const model = new Pair();
    const before = await snapshot(model);
    const state = model.stateDict();
    const wrong = tf.zeros([3, 2]); // the variable is [3, 2], PyTorch's weight is (2, 3)
    const scale = tf.fill([2], 3);
    assert.throws(() => model.loadStateDict({ ...state, 'a.weight': wrong, scale }, { strict: false }),
      /size mismatch for a\.weight: copying a param with shape \[3, 2\] from checkpoint, the shape in current model is \[2, 3\]/);
    assert.deepEqual(await snapshot(model), before, 'nothing is written, not even the valid entries');
    const notTensor = { ...state, scale: [1, 2] as unknown as tf.Tensor };
    assert.throws(() => model.loadStateDict(notTensor), /value for "scale" is not a tensor/);
    const disposed = tf.ones([2]);
    disposed.dispose();
    assert.throws(() => model.loadStateDict({ ...state, scale: disposed }), /disposed tensor/);
    tf.dispose([...Object.values(state), wrong, scale]);
    model.dispose();
  });

  it('int32 values are cast to float32 on load (PyTorch copy_ semantics)', async () => {
    const model = new Pair();
    const state = model.stateDict();
    const ints = tf.tensor1d([2, -3], 'int32');
    model.loadStateDict({ ...state, scale: ints });
    assert.equal(model.scale.dtype, 'float32');
    assert.deepEqual(Array.from(await model.scale.data()), [2, -3]);
    tf.dispose([...Object.values(state), ints]);
    model.dispose();
  });

  it('train() / eval() return the module and reach every descendant', () => {
    const model = new ViT({ ...TINY, dropout: 0.1 });
    assert.equal(model.training, true, 'PyTorch modules start in train mode');
    assert.equal(model.eval(), model);
    for (const [, m] of model.namedModules()) if (m instanceof Module) assert.equal(m.training, false);
    assert.equal(model.train(), model);
    for (const [, m] of model.namedModules()) if (m instanceof Module) assert.equal(m.training, true);
    model.dispose();
  });

  it('parameters() and numParameters() count what PyTorch counts', () => {
    const model = new ViT(TINY);
    // patch_dim 48: LN(48) 96 + Linear 48*8+8 + LN(8) 16; cls 8; pos 5*8; transformer norm 16;
    // attention: LN 16 + qkv 8*24 + out 8*8+8; ff: LN 16 + 8*16+16 + 16*8+8; head 8*3+3
    const expected = 96 + 392 + 16 + 8 + 40 + 16 + (16 + 192 + 72) + (16 + 144 + 136) + 27;
    assert.equal(model.numParameters(), expected);
    assert.equal(model.parameters().length, VIT_DEPTH1_KEYS.length);
    model.dispose();
  });

  it('dispose frees every variable; a disposed module refuses further use', async () => {
    const before = tf.memory().numTensors;
    const model = new ViT(TINY);
    assert.ok(tf.memory().numTensors > before);
    model.dispose();
    model.dispose(); // idempotent
    assert.equal(tf.memory().numTensors, before);
    assert.equal(model.isDisposed, true);
    assert.throws(() => model.stateDict(), /has been disposed/);
    assert.throws(() => model.namedParameters(), /has been disposed/);
  });

  it('forward hooks see inputs and output, can be removed, and leave forward as it was', async () => {
    const model = new Pair();
    const seen: number[][] = [];
    const handle = model.a.registerForwardHook((module, inputs, output) => {
      assert.equal(module, model.a);
      seen.push([...inputs[0].shape, ...output.shape]);
    });
    await withoutLeaks(async () => {
      const x = seeded([4, 3], 1);
      model.forward(x).dispose();
      handle.remove();
      model.forward(x).dispose();
      x.dispose();
    });
    assert.deepEqual(seen, [[4, 3, 4, 2]]);
    assert.equal(Object.hasOwn(model.a, 'forward'), false, 'the instance-level wrapper is gone');
    model.dispose();
  });

  it('getSubmodule and namedModules use dotted PyTorch paths', () => {
    const model = new ViT(TINY);
    assert.equal(model.getSubmodule('transformer.layers.0.1.net.1'), model.transformer.blocks[0]![1].net.at(1));
    assert.ok(model.getSubmodule('to_patch_embedding.0') instanceof Rearrange);
    assert.throws(() => model.getSubmodule('transformer.layers.3'), /no submodule 'transformer\.layers\.3'/);
    const paths = [...model.namedModules()].map(([p]) => p);
    assert.ok(paths.includes('transformer.layers.0.0.attend'));
    assert.equal(paths[0], '');
    model.dispose();
  });

  it('containers name children 0, 1, ...; ModuleList is not callable; einops layers are children', async () => {
    const mix = new EinMix('b t c -> b t d', 'c d', 'd', { c: 3, d: 4 });
    const seq = new Sequential(new Rearrange('b (t c) -> b t c', { t: 2 }), mix, new Dropout(0));
    assert.deepEqual(Object.keys(seq.namedParameters()), ['1.weight', '1.bias']);
    assert.equal(seq.namedParameters()['1.weight'], mix.weight);
    const list = new ModuleList([new Linear(2, 2), new Identity()]);
    assert.equal(list.length, 2);
    assert.deepEqual(Object.keys(list.namedParameters()), ['0.weight', '0.bias']);
    assert.throws(() => list.forward(), /container/);
    // loading into an einops layer's variables
    const weight = tf.ones([3, 4]);
    const bias = tf.zeros([1, 1, 4]); // einops' EinMix keeps the output's unit axes in its bias
    seq.loadStateDict({ '1.weight': weight, '1.bias': bias });
    await withoutLeaks(async () => {
      const x = tf.ones([1, 6]);
      const y = seq.forward(x);
      assert.deepEqual(y.shape, [1, 2, 4]);
      assert.deepEqual(Array.from(await y.data()), new Array(8).fill(3));
      tf.dispose([x, y]);
    });
    assert.match(String(seq), /\(1\): EinMix/);
    tf.dispose([weight, bias]);
    seq.dispose();
    list.dispose();
  });

  it('registration rejects dotted or duplicate names', () => {
    class Bad extends Module {
      constructor(name: string, twice = false) {
        super();
        this.addModule(name, new Identity());
        if (twice) this.addModule(name, new Identity());
      }
      forward(x: tf.Tensor): tf.Tensor {
        return x;
      }
    }
    assert.throws(() => new Bad('a.b'), /invalid name 'a\.b'/);
    assert.throws(() => new Bad('a', true), /'a' is already registered/);
  });
});
