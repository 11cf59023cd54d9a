/**
 * `vit convert <in> <out.safetensors>`: a timm checkpoint (safetensors, timm key names) or a Google
 * ViT `.npz` → a vit checkpoint (safetensors with timm key names and `vit` metadata) for a registry
 * model. The architecture comes from `--model` (a registry name, default `vit_base_patch16_224`),
 * with everything the weights determine (embedDim, depth, patch size, mlpRatio, class count, tokens,
 * LayerScale, pooling) taken from the file; `--img-size` resamples the position table as timm does
 * (bicubic + antialias for timm files, bilinear for `.npz`).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createModel, inferVisionTransformerOptions, modelEntry, pretrainedInfo, readCheckpoint, VisionTransformer } from '@vit/core';
import { saveCheckpoint } from '../checkpoint.js';
import { HALF_NORMALIZATION } from '../data/augment.js';

export interface ConvertOptions {
  model?: string;
  imgSize?: string;
  numHeads?: string;
  numClasses?: string;
  json?: boolean;
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${value}'`);
  return n;
}

/** Converts `input` to `output`; returns a summary (also what `--json` prints). */
export async function convertCheckpoint(input: string, output: string, opts: ConvertOptions = {}): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(input);
  } catch (e) {
    throw new Error(`cannot read ${input}: ${(e as Error).message}`);
  }
  let inferred: ReturnType<typeof inferVisionTransformerOptions>;
  let format: string;
  try {
    const read = readCheckpoint(bytes);
    format = read.format;
    inferred = inferVisionTransformerOptions(read.state);
  } catch (e) {
    throw new Error(`${input}: ${(e as Error).message}`);
  }
  const { distilled, ...fromWeights } = inferred;
  const name = opts.model ?? (distilled ? 'deit_base_distilled_patch16_224' : 'vit_base_patch16_224');
  modelEntry(name); // unknown names fail here with suggestions
  const imgSize = integer(opts.imgSize, '--img-size');
  const numHeads = integer(opts.numHeads, '--num-heads');
  const numClasses = integer(opts.numClasses, '--num-classes');
  const options: Record<string, unknown> = {
    ...fromWeights,
    ...(imgSize === undefined ? {} : { imgSize }),
    ...(numHeads === undefined ? {} : { numHeads }),
    ...(numClasses === undefined ? {} : { numClasses }),
  };
  let model;
  try {
    model = await createModel(name, { ...options, pretrained: bytes });
  } catch (e) {
    throw new Error(`${input} → ${name}: ${(e as Error).message}`);
  }
  try {
    if (!(model instanceof VisionTransformer)) throw new Error(`${name} is not a timm VisionTransformer: convert handles ViT / DeiT checkpoints`);
    const info = pretrainedInfo.get(model);
    const config = { ...model.config } as Record<string, unknown>;
    delete config['distilled'];
    const classes = Array.from({ length: model.numClasses }, (_, i) => String(i));
    await saveCheckpoint(output, model, {
      spec: { arch: name, options: config },
      classNames: classes,
      normalization: HALF_NORMALIZATION,
      imageSize: model.config.imgSize[0],
      step: 0,
      extra: { convertedFrom: input, sourceFormat: format, ignoredKeys: info?.ignoredKeys ?? [], initialisedKeys: info?.initialisedKeys ?? [] },
    });
    return {
      input, output, format, model: name, options: config, parameters: model.numParameters(),
      ignoredKeys: info?.ignoredKeys ?? [], initialisedKeys: info?.initialisedKeys ?? [],
    };
  } finally {
    model.dispose();
  }
}

export function registerConvert(program: Command): void {
  program.command('convert').description('convert a timm safetensors or Google .npz ViT checkpoint into a vit checkpoint')
    .argument('<in>', 'a timm .safetensors (timm key names) or a Google ViT .npz (ViT-B_16.npz layout)')
    .argument('<out>', 'the .safetensors file to write')
    .option('--model <name>', 'registry model whose architecture to use (default vit_base_patch16_224, or the distilled DeiT for distilled files)')
    .option('--img-size <n>', 'build the model for this image size (the position table is resampled as timm does)')
    .option('--num-heads <n>', 'attention heads (not recorded in the weights; default: the model\'s)')
    .option('--num-classes <n>', 'classifier size; a size other than the file\'s gives a freshly initialised head (0: no head)')
    .option('--json', 'print a JSON summary')
    .action(async (input: string, output: string, opts: ConvertOptions) => {
      const summary = await convertCheckpoint(input, output, opts);
      if (opts.json) {
        console.log(JSON.stringify(summary, null, 2));
        return;
      }
      console.log(`${input} (${String(summary['format'])}) → ${output}: ${String(summary['model'])}, ${Number(summary['parameters']).toLocaleString('en-US')} parameters`);
      const ignored = summary['ignoredKeys'] as string[];
      const initialised = summary['initialisedKeys'] as string[];
      if (ignored.length > 0) console.log(`  ignored: ${ignored.join(', ')}`);
      if (initialised.length > 0) console.log(`  freshly initialised: ${initialised.join(', ')}`);
    });
}
