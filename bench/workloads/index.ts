/**
 * The workload list. --quick keeps every group but fewer ViT forward sizes (Ti/16 and S/16, batch 1)
 * and batch 8 for the training steps; QUICK_MODELS is what it needs prepared.
 */
import { distillStepWorkload } from './distill-step.js';
import { einopsWorkloads } from './einops.js';
import { trainStepWorkload } from './train-step.js';
import { vitForwardWorkloads } from './vit-forward.js';
import type { ModelName } from './models.js';
import type { Workload } from './workload.js';

export const QUICK_MODELS: ModelName[] = ['vit_ti16', 'vit_s16'];

export function workloads({ quick, only }: { quick: boolean; only?: string[] }): Workload[] {
  const forward = quick ? vitForwardWorkloads(QUICK_MODELS, [1]) : vitForwardWorkloads();
  const all = [...einopsWorkloads(), ...forward, trainStepWorkload(quick), distillStepWorkload(quick)];
  return only === undefined || only.length === 0 ? all : all.filter((w) => only.some((o) => w.id.includes(o) || w.group === o));
}
