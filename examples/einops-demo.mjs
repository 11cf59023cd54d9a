// A short tour of @vit/einops in plain Node (what `npm start` runs until the training CLI lands).
// Run: npm start   (after npm install, which builds the packages)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { einsum, EinopsError, pack, parseShape, rearrange, reduce, repeat, unpack } from '@vit/einops';

await tf.setBackend('wasm');
await tf.ready();
const show = async (label, t) => {
  const values = Array.from(await t.data()).slice(0, 8).map((v) => +v.toFixed(3));
  console.log(`${label.padEnd(58)} shape ${JSON.stringify(t.shape).padEnd(14)} ${values.join(' ')}${t.size > 8 ? ' ...' : ''}`);
};

console.log(`@vit/einops on tfjs ${tf.version_core}, backend ${tf.getBackend()}\n`);
const images = tf.randomUniform([2, 3, 32, 32], 0, 1, 'float32', 7); // NCHW, like PyTorch

const patches = rearrange(images, 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: 8, p2: 8 });
await show("rearrange 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)'", patches);
await show("reduce 'b c (h 2) (w 2) -> b c h w', 'max'", reduce(images, 'b c (h 2) (w 2) -> b c h w', 'max'));
await show("reduce 'b c h w -> b c', 'mean'", reduce(images, 'b c h w -> b c', 'mean'));
await show("repeat 'c -> b c', {b: 4}", repeat(tf.tensor([1, 2, 3]), 'c -> b c', { b: 4 }));

const q = tf.randomNormal([2, 4, 16, 8], 0, 1, 'float32', 1);
const k = tf.randomNormal([2, 4, 16, 8], 0, 1, 'float32', 2);
const scores = einsum(q, k, 'b h i d, b h j d -> b h i j');
await show("einsum 'b h i d, b h j d -> b h i j'", scores);
await show("einsum 'i i ->' (trace)", einsum(tf.eye(5), 'i i ->'));

const [packed, ps] = pack([tf.ones([2, 8]), tf.zeros([2, 3, 4])], 'b *');
await show(`pack 'b *' (ps = ${JSON.stringify(ps)})`, packed);
const [a, b] = unpack(packed, ps, 'b *');
await show("unpack 'b *' -> second", b);
console.log(`parseShape 'b c _ _' ${JSON.stringify(parseShape(images, 'b c _ _'))}`);

const grad = tf.grad((x) => tf.sum(einsum(x, x, 'i j, i j ->')))(tf.ones([2, 3]));
await show('tf.grad through einsum (d/dx of sum x*x = 2x)', grad);

try {
  rearrange(images, 'b c h w -> b c (h w) d');
} catch (e) {
  if (!(e instanceof EinopsError)) throw e;
  console.log(`\nan invalid pattern raises EinopsError:\n${e.message}`);
}
