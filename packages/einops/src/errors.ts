/**
 * The one error type of @vit/einops. Every invalid pattern, shape or length raises it.
 *
 * The class is stored on `globalThis` under a registry symbol, so that two copies of this
 * package loaded side by side (an ESM and a bundled copy, say) share it and `instanceof`
 * keeps working across them.
 */
export interface EinopsError extends Error {
  readonly name: 'EinopsError';
}

interface EinopsErrorConstructor {
  new (message: string): EinopsError;
  readonly prototype: EinopsError;
}

const registryKey = Symbol.for('@vit/einops.EinopsError');
const registry = globalThis as unknown as Record<symbol, EinopsErrorConstructor | undefined>;

function defineEinopsError(): EinopsErrorConstructor {
  class EinopsErrorImpl extends Error {
    constructor(message: string) {
      super(message);
      Object.defineProperty(this, 'name', { value: 'EinopsError', enumerable: false, configurable: true });
    }
  }
  return EinopsErrorImpl as unknown as EinopsErrorConstructor;
}

export const EinopsError: EinopsErrorConstructor = (registry[registryKey] ??= defineEinopsError());

/** Formats a value for an error message the way einops prints shapes and dicts. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${show(v)}`);
    return `{${entries.join(', ')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
