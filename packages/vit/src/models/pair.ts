/** vit-pytorch's `pair`: a size given as one number or as (height, width). */
export function pair(value: number | readonly [number, number], name: string): [number, number] {
  const p = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${name} must be a positive integer or a pair [height, width] of them, got ${JSON.stringify(value)}`);
  }
  return [p[0]!, p[1]!];
}

export function positiveInteger(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}
