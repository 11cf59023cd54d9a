/** Class probabilities as the top-k list `vit predict` prints and the browser example shows. */
export interface ClassProbability {
  label: string;
  index: number;
  probability: number;
}

/** The `k` most probable classes of one image, most probable first. */
export function topClasses(probabilities: ArrayLike<number>, classNames: readonly string[], k: number): ClassProbability[] {
  return Array.from(probabilities, (probability, index) => ({ label: classNames[index] ?? `class ${index}`, index, probability }))
    .sort((a, b) => b.probability - a.probability).slice(0, k);
}
