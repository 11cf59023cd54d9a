/** Command-line options shared by several commands, and their conversion to typed settings. */
import { Option, type Command } from 'commander';
import { BACKENDS } from '../backend.js';
import { DATASETS } from '../data/load.js';
import { isRegistryModel, type ModelSpec } from '../models.js';

export const int = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got '${value}'`);
  return n;
};
export const num = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got '${value}'`);
  return n;
};

export function addBackendOption(cmd: Command): Command {
  return cmd.addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKENDS).default('wasm'));
}

export function addDataOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASETS).default('synthetic'))
    .option('--data-dir <dir>', 'data directory (cifar10: the .bin files; folder: train/ and test/ class folders)')
    .option('--train-size <n>', 'synthetic: number of training images', int('--train-size'), 10_000)
    .option('--test-size <n>', 'synthetic: number of test images', int('--test-size'), 2_000);
}

export function addModelOptions(cmd: Command, defaults: { dim: number; depth: number; heads: number; mlpDim: number; dimHead: number }, prefix = ''): Command {
  return cmd
    .option(`--${prefix}model <name>`, 'architecture: vit (vit-pytorch ViT) or simple_vit', 'vit')
    .option(`--${prefix}patch-size <n>`, 'patch size', int('--patch-size'), 4)
    .option(`--${prefix}dim <n>`, 'embedding dimension', int('--dim'), defaults.dim)
    .option(`--${prefix}depth <n>`, 'transformer layers', int('--depth'), defaults.depth)
    .option(`--${prefix}heads <n>`, 'attention heads', int('--heads'), defaults.heads)
    .option(`--${prefix}mlp-dim <n>`, 'feed-forward hidden size', int('--mlp-dim'), defaults.mlpDim)
    .option(`--${prefix}dim-head <n>`, 'dimension per head', int('--dim-head'), defaults.dimHead)
    .addOption(new Option(`--${prefix}pool <kind>`, 'pooling (vit)').choices(['cls', 'mean']).default('cls'))
    .option(`--${prefix}dropout <p>`, 'dropout', num('--dropout'), 0)
    .option(`--${prefix}emb-dropout <p>`, 'embedding dropout', num('--emb-dropout'), 0);
}

export function addTrainOptions(cmd: Command, defaults: { steps: number; lr: number }): Command {
  return cmd
    .option('--epochs <n>', 'epochs (overrides --steps)', num('--epochs'))
    .option('--steps <n>', 'optimizer steps', int('--steps'), defaults.steps)
    .option('--batch-size <n>', 'images per optimizer step', int('--batch-size'), 64)
    .option('--accumulate <n>', 'gradient accumulation: micro-batches per step', int('--accumulate'), 1)
    .option('--lr <x>', 'peak learning rate (AdamW)', num('--lr'), defaults.lr)
    .option('--min-lr <x>', 'final learning rate of the cosine decay', num('--min-lr'), 1e-5)
    .option('--warmup-steps <n>', 'linear warmup steps', int('--warmup-steps'))
    .option('--weight-decay <x>', 'AdamW decoupled weight decay', num('--weight-decay'), 0.05)
    .option('--clip <x>', 'clip gradients to this global norm (0: off)', num('--clip'), 1)
    .option('--no-augment', 'no random crop / flip')
    .option('--eval-every <n>', 'evaluate every N steps', int('--eval-every'))
    .option('--eval-limit <n>', 'evaluate on at most N test images during training', int('--eval-limit'))
    .option('--checkpoint-every <n>', 'checkpoint every N steps', int('--checkpoint-every'))
    .option('--resume', 'continue from <out>/checkpoint.safetensors (model, optimizer, step)')
    .option('--stop-at <step>', 'stop at this step with a checkpoint, to continue later with --resume', int('--stop-at'))
    .option('--seed <n>', 'random seed', int('--seed'), 0)
    .option('--quiet', 'no progress bars');
}

export interface ModelFlags {
  model: string; patchSize: number; dim: number; depth: number; heads: number; mlpDim: number; dimHead: number;
  pool: 'cls' | 'mean'; dropout: number; embDropout: number;
}

/**
 * The model spec the flags describe. For a registry model only the flags given on the command line
 * override its architecture (`explicit`), in timm's names: --dim → embedDim, --heads → numHeads,
 * --mlp-dim → mlpRatio; the image size, patch size and class count always apply.
 */
export function modelSpec(flags: ModelFlags, imageSize: number, numClasses: number, channels = 3, explicit?: (flag: keyof ModelFlags) => boolean): ModelSpec {
  if (isRegistryModel(flags.model)) {
    const given = (flag: keyof ModelFlags): boolean => explicit?.(flag) ?? false;
    const options: Record<string, unknown> = { imgSize: imageSize, numClasses, inChans: channels };
    if (given('patchSize')) options['patchSize'] = flags.patchSize;
    if (given('dim')) options['embedDim'] = flags.dim;
    if (given('depth')) options['depth'] = flags.depth;
    if (given('heads')) options['numHeads'] = flags.heads;
    if (given('mlpDim')) options['mlpRatio'] = flags.mlpDim / (given('dim') ? flags.dim : Number(options['embedDim'] ?? flags.dim));
    if (given('dropout')) options['dropRate'] = flags.dropout;
    return { arch: flags.model, options };
  }
  const common = { imageSize, patchSize: flags.patchSize, numClasses, dim: flags.dim, depth: flags.depth, heads: flags.heads, mlpDim: flags.mlpDim, channels, dimHead: flags.dimHead };
  if (flags.model === 'simple_vit') return { arch: 'simple_vit', options: common };
  return { arch: flags.model, options: { ...common, pool: flags.pool, dropout: flags.dropout, embDropout: flags.embDropout } };
}

/** Reads a prefixed set of model flags (`--student-dim` ...) into ModelFlags. */
export function prefixedModelFlags(opts: Record<string, unknown>, prefix: string): ModelFlags {
  const key = (name: string): string => prefix === '' ? name : prefix + name[0]!.toUpperCase() + name.slice(1);
  const get = <T>(name: string): T => opts[key(name)] as T;
  return {
    model: get('model'), patchSize: get('patchSize'), dim: get('dim'), depth: get('depth'), heads: get('heads'), mlpDim: get('mlpDim'),
    dimHead: get('dimHead'), pool: get('pool'), dropout: get('dropout'), embDropout: get('embDropout'),
  };
}
