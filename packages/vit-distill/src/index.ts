/** @vit/distill: DeiT distillation for @vit/core — DistillableViT and DistillWrapper, as in vit-pytorch. */
export { DistillableViT, type DistillOptions } from './distillable-vit.js';
export { DistillWrapper, type DistillWrapperOptions, type DistillOverrides } from './distill-wrapper.js';
export { softDistillationLoss, hardDistillationLoss } from './losses.js';
export type { Teacher, TeacherLike } from './teacher.js';
