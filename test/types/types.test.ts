// backends: cpu
/**
 * Compile-time einops (packages/einops/src/typed): the TypeScript compiler, driven through its API,
 * must accept test/types/pass/*.ts, reject exactly the lines of test/types/fail/*.mts annotated
 * `// error: <message fragment>` (with that message), and agree with the run time on every case of
 * ../shared/fixtures/einops/cases.json: a call type-checks unless the run time rejects it for a
 * reason that the pattern, the input ranks and the names of the given lengths decide. Valid cases
 * must also get the output rank the corpus records.
 *
 * The types come from the built package (`@vit/einops` resolves to packages/einops/dist), as users
 * get them: `npm test` builds first.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as tf from '@tensorflow/tfjs-core';
import { pack, parseShape, unpack } from '@vit/einops';
// The planner's sources are used directly here; their parser needs chevrotain provided as the entry does.
import '../../packages/einops/src/parsing/chevrotain-node.js';
import { getEinsumPlan, getEinsumRecipe } from '../../packages/einops/src/lowering/einsum-plan.js';
import { getRecipe } from '../../packages/einops/src/lowering/recipe.js';
import { REDUCTIONS } from '../../packages/einops/src/ops/transform.js';
import { loadEinopsCases, type EinopsCase } from '../einops/fixture-cases.js';
import { useTestBackend } from '../support/backend.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const passFiles = readdirSync(path.join(here, 'pass')).filter((f) => f.endsWith('.ts')).map((f) => path.join(here, 'pass', f));
const failFiles = readdirSync(path.join(here, 'fail')).filter((f) => f.endsWith('.mts')).map((f) => path.join(here, 'fail', f));
const casesFile = path.join(here, '__generated__', 'fixture-cases.ts');

/** One program for everything: the checker's caches are shared, as in an editor. */
function compile(virtualFiles: Map<string, string>): ts.Program {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, types: ['node'], declaration: false, declarationMap: false, sourceMap: false };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError, create) => {
    const text = virtualFiles.get(path.resolve(file));
    return text === undefined ? getSourceFile(file, language, onError, create) : ts.createSourceFile(file, text, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => virtualFiles.has(path.resolve(file)) || fileExists(file);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => virtualFiles.get(path.resolve(file)) ?? readFile(file);
  return ts.createProgram([...passFiles, ...failFiles, ...virtualFiles.keys()], options, host);
}

interface LineError {
  line: number;
  message: string;
}

function errorsOf(program: ts.Program, file: string): LineError[] {
  const source = program.getSourceFile(file);
  assert.ok(source, `${file} is not in the program`);
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
    line: d.start === undefined ? -1 : source.getLineAndCharacterOfPosition(d.start).line,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

// ---- the corpus as calls ----

const rankOf = (c: EinopsCase, i: number): number => c.inputs[i]!.shape.length;
const input = (c: EinopsCase, i: number): string => `input<${rankOf(c, i)}>()`;
const str = (s: string): string => JSON.stringify(s);

/** One line of TypeScript per case: the call, and for a valid case its output rank. */
function callOf(c: EinopsCase): string {
  const lengths = Object.keys(c.axes_lengths).length > 0 ? `, ${JSON.stringify(c.axes_lengths)}` : '';
  const x = c.list_input ? `[${c.inputs.map((_, i) => input(c, i)).join(', ')}]` : input(c, 0);
  const expectRank = c.expect.error || c.expect.shape === undefined ? '' : ` const ok: Expect<Equal<RankOf<typeof r>, ${c.expect.shape.length}>> = true;`;
  switch (c.op) {
    case 'rearrange': return `{ const r = rearrange(${x}, ${str(c.pattern)}${lengths});${expectRank} }`;
    case 'repeat': return `{ const r = repeat(${x}, ${str(c.pattern)}${lengths});${expectRank} }`;
    case 'reduce': return `{ const r = reduce(${x}, ${str(c.pattern)}, ${str(c.reduction!)}${lengths});${expectRank} }`;
    case 'einsum': return `{ const r = einsum(${c.inputs.map((_, i) => input(c, i)).join(', ')}, ${str(c.pattern)});${expectRank} }`;
    case 'pack': return `{ const [r] = pack([${c.inputs.map((_, i) => input(c, i)).join(', ')}], ${str(c.pattern)});${expectRank} }`;
    case 'unpack': return `{ unpack(${input(c, 0)}, [[1]], ${str(c.pattern)}); }`;
    case 'parse_shape': return `{ parseShape(${input(c, 0)}, ${str(c.pattern)}); }`;
  }
}

function casesSource(cases: EinopsCase[]): { text: string; lineOf: Map<string, number> } {
  const lines = [
    `import { einsum, pack, parseShape, rearrange, reduce, repeat, unpack, type RankOf, type TensorOfRank } from '@vit/einops';`,
    'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;',
    'type Expect<T extends true> = T;',
    'declare function input<N extends number>(): TensorOfRank<N>;',
  ];
  const lineOf = new Map<string, number>();
  for (const c of cases) {
    lineOf.set(c.id, lines.length);
    lines.push(`${callOf(c)} // ${c.id}`);
  }
  return { text: lines.join('\n') + '\n', lineOf };
}

/**
 * Why the run time rejects the case from its pattern, ranks and length names alone (the recipe
 * and plan checks that need no lengths of dimensions), or undefined when that alone is valid.
 */
function decidedRejection(c: EinopsCase): string | undefined {
  const ones = (): tf.Tensor[] => c.inputs.map((spec) => tf.ones(spec.shape.map(() => 1)));
  const attempt = (f: () => void): string | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  switch (c.op) {
    case 'rearrange':
    case 'reduce':
    case 'repeat': {
      const op = c.op;
      return attempt(() => {
        if (op === 'reduce' && !(REDUCTIONS as readonly string[]).includes(c.reduction!)) throw new Error(`unknown reduction ${c.reduction}`);
        const rank = c.list_input ? rankOf(c, 0) + 1 : rankOf(c, 0);
        getRecipe(op, c.pattern, rank, Object.keys(c.axes_lengths).sort(), c.reduction ?? op);
      });
    }
    case 'einsum':
      // All lengths 1: nothing can mismatch but the number of operands and their ranks.
      return attempt(() => getEinsumPlan(getEinsumRecipe(c.pattern), c.inputs.map((s) => s.shape.map(() => 1)), false));
    case 'pack': {
      const xs = ones();
      const why = attempt(() => pack(xs, c.pattern)[0].dispose());
      xs.forEach((t) => t.dispose());
      return why;
    }
    case 'unpack': {
      const [x] = ones();
      const why = attempt(() => unpack(x!, [[1]], c.pattern).forEach((t) => t.dispose()));
      x!.dispose();
      return why;
    }
    case 'parse_shape': {
      const [x] = ones();
      const why = attempt(() => parseShape(x!, c.pattern));
      x!.dispose();
      // Numbers and units are compared with the lengths of the dimensions: a shape's business.
      return why !== undefined && /Length of (anonymous )?axis/.test(why) ? undefined : why;
    }
  }
}

describe('compile-time pattern checks', () => {
  let program: ts.Program;
  let cases: EinopsCase[];
  let lineOf: Map<string, number>;

  before(async () => {
    await useTestBackend();
    cases = loadEinopsCases();
    const generated = casesSource(cases);
    lineOf = generated.lineOf;
    program = compile(new Map([[casesFile, generated.text]]));
  });

  it('test/types/pass/*.ts compile', () => {
    assert.ok(passFiles.length > 0);
    for (const file of passFiles) {
      const errors = errorsOf(program, file);
      assert.deepEqual(errors.map((e) => `${path.basename(file)}:${e.line + 1}: ${e.message}`), []);
    }
  });

  it('test/types/fail/*.mts fail exactly on the annotated lines, with the annotated messages', () => {
    assert.ok(failFiles.length > 0);
    let annotated = 0;
    for (const file of failFiles) {
      const source = program.getSourceFile(file)!;
      const expected = new Map<number, string>();
      source.text.split('\n').forEach((text, line) => {
        const m = /^\s*[^\s*/].*\/\/ error: (.+)$/.exec(text);
        if (m) expected.set(line, m[1]!.trim());
      });
      annotated += expected.size;
      const errors = errorsOf(program, file);
      const problems: string[] = [];
      for (const [line, fragment] of expected) {
        const here = errors.filter((e) => e.line === line);
        if (!here.some((e) => e.message.includes(fragment))) {
          problems.push(`${path.basename(file)}:${line + 1}: expected an error containing "${fragment}", got ${here.length ? here.map((e) => JSON.stringify(e.message)).join(' / ') : 'none'}`);
        }
      }
      for (const e of errors) {
        if (!expected.has(e.line)) problems.push(`${path.basename(file)}:${e.line + 1}: unexpected error ${JSON.stringify(e.message)}`);
      }
      assert.deepEqual(problems, []);
    }
    assert.ok(annotated >= 80, `only ${annotated} annotated lines`);
  });

  it('every case of cases.json: rejected by the types exactly when pattern, ranks and length names decide it', () => {
    const errors = errorsOf(program, casesFile);
    const problems: string[] = [];
    let rejected = 0;
    let accepted = 0;
    for (const c of cases) {
      const line = lineOf.get(c.id)!;
      const typeErrors = errors.filter((e) => e.line === line).map((e) => e.message);
      const why = decidedRejection(c);
      if (why !== undefined) {
        rejected++;
        assert.ok(c.expect.error, `${c.id}: the run time rejects a case the corpus records as valid: ${why}`);
        if (typeErrors.length === 0) problems.push(`${c.id} ${c.op}(${JSON.stringify(c.pattern)}): type-checks, but the run time rejects it: ${why.split('\n')[0]}`);
        else if (!typeErrors.some((m) => m.includes('einops: ') || m.includes("'Reduction'"))) {
          problems.push(`${c.id}: rejected with an unrelated error: ${typeErrors.join(' / ')}`);
        }
      } else {
        accepted++;
        if (typeErrors.length > 0) problems.push(`${c.id} ${c.op}(${JSON.stringify(c.pattern)}): ${typeErrors.join(' / ')}`);
      }
    }
    assert.deepEqual(problems, []);
    // Sanity: the corpus has both kinds, and most invalid cases are decided without shapes.
    assert.ok(rejected >= 45 && accepted >= 250, `rejected ${rejected}, accepted ${accepted}`);
    console.log(`cases.json: ${rejected} calls rejected by pattern, ranks and length names (types and run time agree), ${accepted} accepted`);
  });
});
