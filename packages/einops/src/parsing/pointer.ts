/** Formats `reason` with the pattern and a caret under column `offset`. */
export function pointAt(pattern: string, offset: number, reason: string): string {
  return `${reason}\n    ${pattern}\n    ${' '.repeat(Math.max(0, offset))}^`;
}
