/**
 * Web Worker entry: onnxruntime-web in its own worker (see peers/ort-web-protocol.ts). With threads,
 * onnxruntime-web starts its pthread workers from this same script (import.meta.url), named
 * 'em-pthread': those must be left to onnxruntime-web's own message handler.
 */
import * as ort from 'onnxruntime-web';
import { serveOrtWeb, type Request } from '../peers/ort-web-protocol.js';

if (self.name !== 'em-pthread') {
  const scope = self as unknown as { postMessage(message: unknown, transfer: Transferable[]): void; onmessage: ((e: MessageEvent<Request>) => void) | null };
  const handle = serveOrtWeb(ort, (message, transfer = []) => scope.postMessage(message, transfer));
  scope.onmessage = (event) => handle(event.data);
}
