/**
 * `Module`: PyTorch's nn.Module on TensorFlow.js. Parameters and children are registered under
 * PyTorch's names, so `namedParameters()` / `stateDict()` keys are the PyTorch state-dict keys.
 *
 * Ownership: `forward` returns new tensors the caller owns (and disposes); `stateDict()` returns
 * copies the caller owns; `loadStateDict()` copies and leaves the caller's tensors alone;
 * `namedParameters()` returns the module's live variables (owned by the module, freed by `dispose()`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EinopsLayer } from '@vit/einops';
import { AS_IS, type Layout } from './layout.js';

/** Any module, whatever its forward's signature (`any`: hooks make Module's type parameters invariant). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any, any>;

/** A registered child: a Module, or an einops layer (`Rearrange`, `Reduce`, `EinMix`). */
export type Child = AnyModule | EinopsLayer;

/** Called after `forward` with the module, its inputs and its output (PyTorch's forward hook). */
export type ForwardHook<In extends unknown[], Out> = (module: Module<In, Out>, inputs: In, output: Out) => void;

export interface HookHandle {
  remove(): void;
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

interface ParameterEntry {
  readonly variable: tf.Variable;
  readonly layout: Layout;
}

export abstract class Module<In extends unknown[] = [tf.Tensor], Out = tf.Tensor> {
  /** Train mode (dropout active). PyTorch's default is train mode, so is ours. */
  training = true;
  readonly #parameters = new Map<string, ParameterEntry>();
  readonly #buffers = new Map<string, tf.Variable>();
  readonly #children = new Map<string, Child>();
  readonly #owned: tf.Tensor[] = [];
  readonly #hooks = new Set<ForwardHook<In, Out>>();
  #disposed = false;

  abstract forward(...inputs: In): Out;

  /**
   * Registers a trainable parameter created from `init()` (run in a tidy; its result is copied into
   * a new variable with a unique tfjs name). `layout` says how the variable differs from PyTorch's.
   */
  protected addParameter(name: string, init: () => tf.Tensor, layout: Layout = AS_IS, { trainable = true }: { trainable?: boolean } = {}): tf.Variable {
    this.#checkName(name);
    // trainable: false is PyTorch's `nn.Parameter(..., requires_grad=False)`: listed, never given a gradient.
    const variable = tf.tidy(() => tf.variable(init(), trainable));
    this.#parameters.set(name, { variable, layout });
    return variable;
  }

  /**
   * Registers a persistent buffer (PyTorch's `register_buffer`, e.g. BatchNorm's running stats): a
   * non-trainable variable that is in `stateDict()` / `loadStateDict()` (after the own parameters,
   * as PyTorch orders them) but not in `namedParameters()`. Update it with `variable.assign`.
   */
  protected addBuffer(name: string, init: () => tf.Tensor): tf.Variable {
    this.#checkName(name);
    const variable = tf.tidy(() => tf.variable(init(), false));
    this.#buffers.set(name, variable);
    return variable;
  }

  /** Registers a child under `name` (its parameters appear as `name.<key>`). */
  protected addModule<T extends Child>(name: string, child: T): T {
    this.#checkName(name);
    this.#children.set(name, child);
    return child;
  }

  /**
   * Replaces the child registered as `name` (PyTorch's `self.head = nn.Linear(...)` on an existing
   * attribute): the old child is disposed, the key keeps its place in the state dict's order, and the
   * new child takes this module's train / eval mode.
   */
  protected replaceModule<T extends Child>(name: string, child: T): T {
    const old = this.#children.get(name);
    if (old === undefined) throw new Error(`${this.constructor.name}: no child '${name}' to replace`);
    if (old !== child) old.dispose();
    this.#children.set(name, child);
    if (child instanceof Module) child.train(this.training);
    return child;
  }

  /** Keeps a non-parameter tensor alive until `dispose()` (like a non-persistent buffer). */
  protected own<T extends tf.Tensor>(tensor: T): T {
    this.#owned.push(tf.keep(tensor));
    return tensor;
  }

  #checkName(name: string): void {
    if (this.#disposed) throw new Error(`${this.constructor.name}: cannot register '${name}' on a disposed module`);
    if (name === '' || name.includes('.')) throw new Error(`${this.constructor.name}: invalid name '${name}' (non-empty, no '.')`);
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' is already registered`);
    }
  }

  /** Direct children in registration order. */
  namedChildren(): [string, Child][] {
    return [...this.#children];
  }

  /** This module and every descendant, with dotted paths ('' for this module). */
  *namedModules(prefix = ''): Generator<[string, Child]> {
    yield [prefix, this as unknown as Child];
    for (const [name, child] of this.#children) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      if (child instanceof Module) yield* child.namedModules(path);
      else yield [path, child];
    }
  }

  /** The descendant at a dotted path, e.g. `transformer.layers.0.0` (PyTorch's get_submodule). */
  getSubmodule(path: string): Child {
    let current: Child = this as unknown as Child;
    if (path === '') return current;
    for (const part of path.split('.')) {
      const next: Child | undefined = current instanceof Module ? current.#children.get(part) : undefined;
      if (next === undefined) throw new Error(`${this.constructor.name} has no submodule '${path}' (missing '${part}')`);
      current = next;
    }
    return current;
  }

  /**
   * Every parameter (and with `buffers`, every buffer) with its layout, keyed by PyTorch name: own
   * parameters first, then own buffers, then each child's.
   */
  #entries(buffers: boolean, prefix = '', out = new Map<string, ParameterEntry>()): Map<string, ParameterEntry> {
    for (const [name, entry] of this.#parameters) out.set(prefix + name, entry);
    if (buffers) for (const [name, variable] of this.#buffers) out.set(prefix + name, { variable, layout: AS_IS });
    for (const [name, child] of this.#children) {
      if (child instanceof Module) child.#entries(buffers, `${prefix}${name}.`, out);
      else for (const [key, variable] of Object.entries(child.namedParameters())) out.set(`${prefix}${name}.${key}`, { variable, layout: AS_IS });
    }
    return out;
  }

  /**
   * The live trainable variables keyed by PyTorch name (usable with `tf.variableGrads`). A variable
   * may hold a faster layout than PyTorch's: Linear weights are [in, out].
   */
  namedParameters(): Record<string, tf.Variable> {
    this.#checkAlive();
    return Object.fromEntries([...this.#entries(false)].map(([name, entry]) => [name, entry.variable]));
  }

  /** The live buffers (running statistics ...) keyed by PyTorch name; owned by the module. */
  namedBuffers(): Record<string, tf.Variable> {
    this.#checkAlive();
    const params = this.#entries(false);
    return Object.fromEntries([...this.#entries(true)].filter(([name]) => !params.has(name)).map(([name, entry]) => [name, entry.variable]));
  }

  parameters(): tf.Variable[] {
    return Object.values(this.namedParameters());
  }

  /** Number of scalar parameters (PyTorch's `sum(p.numel() for p in m.parameters())`). */
  numParameters(): number {
    return this.parameters().reduce((total, v) => total + v.size, 0);
  }

  /** Copies of every parameter in PyTorch's shapes and layouts, keyed like PyTorch. The caller owns them. */
  stateDict(): Record<string, tf.Tensor> {
    this.#checkAlive();
    const out: Record<string, tf.Tensor> = {};
    for (const [name, { variable, layout }] of this.#entries(true)) out[name] = tf.tidy(() => layout.toTorch(variable));
    return out;
  }

  /**
   * Copies PyTorch-layout tensors into the parameters (the caller keeps its tensors). As PyTorch:
   * with `strict` (default) missing and unexpected keys are errors; a shape mismatch is always an
   * error. Everything is checked before anything is written, so a failed load changes nothing.
   */
  loadStateDict(dict: Record<string, tf.Tensor>, { strict = true }: { strict?: boolean } = {}): LoadResult {
    this.#checkAlive();
    const entries = this.#entries(true);
    const missingKeys = [...entries.keys()].filter((key) => !Object.hasOwn(dict, key));
    const unexpectedKeys = Object.keys(dict).filter((key) => !entries.has(key));
    const errors: string[] = [];
    if (strict && unexpectedKeys.length > 0) errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map(q).join(', ')}.`);
    if (strict && missingKeys.length > 0) errors.push(`Missing key(s) in state_dict: ${missingKeys.map(q).join(', ')}.`);
    const updates: [ParameterEntry, tf.Tensor][] = [];
    for (const [key, entry] of entries) {
      if (!Object.hasOwn(dict, key)) continue;
      const value = dict[key];
      const expected = entry.layout.torchShape(entry.variable.shape);
      if (!(value instanceof tf.Tensor) || value.isDisposed) {
        errors.push(`value for ${q(key)} is ${value instanceof tf.Tensor ? 'a disposed tensor' : 'not a tensor'}.`);
      } else if (value.dtype === 'string' || value.dtype === 'complex64') {
        errors.push(`dtype mismatch for ${q(key)}: cannot copy a ${value.dtype} tensor into a float32 parameter.`);
      } else if (!sameShape(value.shape, expected)) {
        errors.push(`size mismatch for ${key}: copying a param with shape [${value.shape.join(', ')}] from checkpoint, ` +
          `the shape in current model is [${expected.join(', ')}].`);
      } else {
        updates.push([entry, value]);
      }
    }
    if (errors.length > 0) {
      throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    }
    for (const [{ variable, layout }, value] of updates) {
      const next = tf.tidy(() => layout.fromTorch(value.dtype === variable.dtype ? value : tf.cast(value, variable.dtype)));
      variable.assign(next);
      next.dispose();
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Sets train mode on this module and every descendant Module (dropout is active only in train mode). */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.#children.values()) if (child instanceof Module) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * Runs `hook(module, inputs, output)` after every `forward` of this module (also when a parent
   * calls it), like PyTorch's `register_forward_hook`. The output passed in belongs to the forward's
   * caller: a hook that keeps it must clone and `tf.keep` it.
   */
  registerForwardHook(hook: ForwardHook<In, Out>): HookHandle {
    if (this.#hooks.size === 0) {
      // Shadow the prototype's forward on this instance only while hooks exist.
      const forward = this.forward;
      const hooked = (...inputs: In): Out => {
        const output = forward.apply(this, inputs);
        for (const h of [...this.#hooks]) h(this, inputs, output);
        return output;
      };
      Object.defineProperty(this, 'forward', { value: hooked, configurable: true, writable: true, enumerable: false });
    }
    this.#hooks.add(hook);
    return {
      remove: () => {
        if (this.#hooks.delete(hook) && this.#hooks.size === 0) delete (this as { forward?: unknown }).forward;
      },
    };
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Frees every variable and owned tensor of this module and its children. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const { variable } of this.#parameters.values()) variable.dispose();
    for (const variable of this.#buffers.values()) variable.dispose();
    for (const t of this.#owned) t.dispose();
    for (const child of this.#children.values()) child.dispose();
  }

  #checkAlive(): void {
    if (this.#disposed) throw new Error(`${this.constructor.name} has been disposed`);
  }

  /** One-line description of this module's own settings, shown by toString (PyTorch's extra_repr). */
  protected extraRepr(): string {
    return '';
  }

  toString(): string {
    const children = [...this.#children].map(([name, child]) => `(${name}): ${String(child).replace(/\n/g, '\n  ')}`);
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    return children.length === 0 ? `${head})` : `${head}\n  ${children.join('\n  ')}\n)`;
  }
}

function q(key: string): string {
  return JSON.stringify(key);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
