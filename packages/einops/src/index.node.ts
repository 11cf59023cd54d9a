/** Node entry of @vit/einops: registers tfjs-core's gradients for Node first (see tfjs-setup/node.ts). */
import './tfjs-setup/node.js';

export * from './api.js';
