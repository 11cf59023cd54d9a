/** Node worker_threads entry: onnxruntime-web in its own thread (see ort-web-protocol.ts). */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import { serveOrtWeb, type Request } from './ort-web-protocol.js';

const port = parentPort!;
const handle = serveOrtWeb(ort, (message, transfer) => port.postMessage(message, transfer));
port.on('message', (m: Request) => handle(m));
