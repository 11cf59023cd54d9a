/**
 * Node entry of @vit/einops: registers tfjs-core's gradients for Node first (see tfjs-setup/node.ts)
 * and loads chevrotain's fast-starting single-file build (see parsing/chevrotain-api.ts).
 */
import './tfjs-setup/node.js';
import './parsing/chevrotain-node.js';

export * from './api.js';
