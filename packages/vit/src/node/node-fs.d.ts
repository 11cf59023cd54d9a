// The two node:fs functions the Node entry uses. Declared here so the package compiles with
// `types: []`: Node's types would otherwise leak into the browser-safe main entry's checks.
declare module 'node:fs/promises' {
  export function readFile(path: string): Promise<Uint8Array>;
  export function writeFile(path: string, data: Uint8Array): Promise<void>;
}
