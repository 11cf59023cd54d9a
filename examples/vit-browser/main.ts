/// <reference types="vite/client" />
// A Vision Transformer checkpoint (from `vit train`, `vit distill` or `npm start`) classifying images in
// the browser: top-5 classes and the class token's attention over the image, on WebGPU when the
// browser has it and WASM otherwise. URL parameters: ?checkpoint=<url>&backend=auto|webgpu|wasm|cpu&attention=rollout|last
//   Run: npm run example:browser   (then open the printed address)
import * as tf from '@tensorflow/tfjs-core';
import type { RgbImage } from '@vit/cli/browser';
import { ATTENTION_MODES, type AttentionMode } from './attention.js';
import { parseBackendChoice, useBackend, type ActiveBackend, type BackendChoice } from './backend.js';
import { classify, loadClassifier, unloadClassifier, type Classification, type LoadedClassifier } from './classifier.js';
import { drawAttention, drawImage } from './draw.js';
import { decodeImageFile, shapes10Sample } from './image.js';

/** What the page shows; also window.__vit, for tests and the console. */
interface PageState {
  status: 'idle' | 'busy' | 'ready' | 'error';
  backend?: ActiveBackend;
  model?: { name: string; arch: string; parameters: number; classes: string[]; imageSize: number; loadMs: number; attention: boolean };
  image?: { name: string; width: number; height: number };
  result?: Classification;
  error?: string;
  /** tf.memory().numTensors after the last step: the same from one image to the next. */
  numTensors: number;
  /** Counts finished steps (successful or not), so a test can wait for the next one. */
  version: number;
}

const state: PageState = { status: 'idle', numTensors: 0, version: 0 };
(window as unknown as { __vit: PageState }).__vit = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const backendSelect = $<HTMLSelectElement>('backend');
const attentionSelect = $<HTMLSelectElement>('attention-mode');
const statusLine = $<HTMLParagraphElement>('status');

let classifier: LoadedClassifier | undefined;
let checkpoint: { bytes: Uint8Array; name: string } | undefined;
let image: { pixels: RgbImage; name: string } | undefined;

/** One step at a time: a new request waits for the running one. */
let queue: Promise<void> = Promise.resolve();
function enqueue(what: string, step: () => Promise<void>): void {
  queue = queue.then(async () => {
    state.status = 'busy';
    setStatus(`${what}…`);
    try {
      await step();
      state.status = 'ready';
      state.error = undefined;
      setStatus(classifier ? `${classifier.name} on ${state.backend?.name}` : `backend ${state.backend?.name}: now load a checkpoint`);
    } catch (e) {
      state.status = 'error';
      state.error = (e as Error).message ?? String(e);
      setStatus(state.error, true);
      console.error(e);
    }
    state.numTensors = tf.memory().numTensors;
    state.version++;
  });
}

function setStatus(text: string, error = false): void {
  statusLine.textContent = text;
  statusLine.className = error ? 'error' : '';
}

async function switchBackend(choice: BackendChoice): Promise<void> {
  if (classifier) unloadClassifier(classifier); // its variables live on the old backend
  classifier = undefined;
  state.model = undefined;
  state.backend = await useBackend(choice);
  if (checkpoint) await loadModel(checkpoint.bytes, checkpoint.name);
  else renderDetails();
}

async function loadModel(bytes: Uint8Array, name: string): Promise<void> {
  if (classifier) unloadClassifier(classifier);
  classifier = undefined;
  state.model = undefined;
  state.result = undefined;
  checkpoint = { bytes, name };
  classifier = await loadClassifier(bytes, name);
  const { meta, model, recorder, loadMs } = classifier;
  state.model = {
    name, arch: meta.spec.arch, parameters: model.numParameters(), classes: meta.classNames, imageSize: meta.imageSize,
    loadMs, attention: recorder !== null,
  };
  renderDetails();
  if (image) await runClassifier();
  else renderResult();
}

async function fetchCheckpoint(url: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`cannot fetch ${url}: ${(e as Error).message}`);
  }
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  await loadModel(new Uint8Array(await response.arrayBuffer()), url);
}

async function setImage(pixels: RgbImage, name: string): Promise<void> {
  image = { pixels, name };
  state.image = { name, width: pixels.width, height: pixels.height };
  $('input-caption').textContent = `${name} (${pixels.width}×${pixels.height})`;
  drawImage($<HTMLCanvasElement>('input-canvas'), pixels);
  if (classifier) await runClassifier();
}

async function runClassifier(): Promise<void> {
  if (!classifier || !image) return;
  state.result = await classify(classifier, image.pixels, attentionSelect.value as AttentionMode);
  renderResult();
}

function renderResult(): void {
  const table = $<HTMLTableElement>('top5');
  const canvas = $<HTMLCanvasElement>('attention-canvas');
  table.replaceChildren();
  canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
  const result = state.result;
  $('timing').textContent = result && state.backend
    ? `${result.ms.toFixed(1)} ms per image on ${state.backend.name} (load and warm-up ${state.model?.loadMs.toFixed(0)} ms)` : '';
  if (!result || !image) return;
  for (const { label, probability } of result.top) {
    const row = table.insertRow();
    row.insertCell().textContent = label;
    row.insertCell().textContent = `${(probability * 100).toFixed(2)}%`;
    const bar = row.insertCell();
    bar.className = 'bar';
    bar.appendChild(document.createElement('div')).style.width = `${(probability * 100).toFixed(1)}%`;
  }
  if (result.attention) drawAttention(canvas, image.pixels, result.attention);
}

function renderDetails(): void {
  const { backend, model } = state;
  $('details').textContent = [
    backend ? `backend ${backend.name} (${backend.note})` : '',
    model ? `model ${model.arch}, ${model.parameters.toLocaleString('en-US')} parameters, ${model.imageSize}×${model.imageSize} input, ` +
      `${model.classes.length} classes${model.attention ? '' : '; no attention map (Recorder needs vit.py attention layers)'}` : '',
    `tfjs-core ${tf.version_core}`,
  ].filter(Boolean).join(' · ');
}

// ---- wiring ----
const params = new URLSearchParams(location.search);
const first = params.get('checkpoint');
const requestedAttention = params.get('attention');
if (requestedAttention !== null && (ATTENTION_MODES as readonly string[]).includes(requestedAttention)) attentionSelect.value = requestedAttention;
$<HTMLInputElement>('checkpoint-url').value = first ?? '';

enqueue('starting the backend', async () => {
  const choice = parseBackendChoice(params.get('backend'));
  backendSelect.value = choice;
  await switchBackend(choice);
});
if (first) enqueue(`loading ${first}`, () => fetchCheckpoint(first));

backendSelect.addEventListener('change', () => enqueue(`switching to ${backendSelect.value}`, () => switchBackend(backendSelect.value as BackendChoice)));
attentionSelect.addEventListener('change', () => enqueue('classifying', runClassifier));
$('load-url').addEventListener('click', () => {
  const url = $<HTMLInputElement>('checkpoint-url').value.trim();
  enqueue(`loading ${url}`, () => (url ? fetchCheckpoint(url) : Promise.reject(new Error('enter a checkpoint URL first'))));
});

function openFile(file: File): void {
  if (file.name.endsWith('.safetensors')) {
    enqueue(`loading ${file.name}`, async () => loadModel(new Uint8Array(await file.arrayBuffer()), file.name));
  } else {
    enqueue(`classifying ${file.name}`, async () => setImage(await decodeImageFile(file), file.name));
  }
}
for (const id of ['checkpoint-file', 'image-file']) {
  const input = $<HTMLInputElement>(id);
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) openFile(file);
    input.value = ''; // picking the same file again fires `change` again
  });
}
$('sample').addEventListener('click', () => {
  const seed = Math.floor(Math.random() * 2 ** 31);
  const { image: pixels, label } = shapes10Sample(seed, classifier?.meta.imageSize ?? 32);
  enqueue('classifying a shapes10 image', () => setImage(pixels, `shapes10 #${seed}: ${label}`));
});

const dropZone = $('drop-zone');
dropZone.addEventListener('dragover', (e) => {
  e.preventDefault();
  dropZone.classList.add('over');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) openFile(file);
});
