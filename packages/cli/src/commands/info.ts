/** `vit info <checkpoint>`: keys, shapes, dtypes, parameter count and metadata of a safetensors file. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseSafetensors } from '@vit/core';

export function registerInfo(program: Command): void {
  program.command('info').description('show what a checkpoint holds')
    .argument('<checkpoint>', 'a .safetensors file')
    .option('--json', 'print JSON')
    .action((file: string, opts: { json?: boolean }) => {
      let parsed: ReturnType<typeof parseSafetensors>;
      try {
        parsed = parseSafetensors(readFileSync(file));
      } catch (e) {
        throw new Error(`${file}: ${(e as Error).message}`);
      }
      const entries = Object.entries(parsed.entries).map(([name, e]) => ({ name, dtype: e.dtype, shape: e.shape, size: e.shape.reduce((a, b) => a * b, 1) }));
      const total = entries.reduce((n, e) => n + e.size, 0);
      if (opts.json) {
        console.log(JSON.stringify({ file, parameters: total, tensors: entries, metadata: parsed.metadata }, null, 2));
        return;
      }
      const width = Math.max(...entries.map((e) => e.name.length), 4);
      console.log(`${file}: ${entries.length} tensors, ${total.toLocaleString('en-US')} parameters`);
      for (const [key, value] of Object.entries(parsed.metadata)) console.log(`  ${key}: ${value.length > 200 ? `${value.slice(0, 200)}...` : value}`);
      console.log();
      for (const e of entries) console.log(`  ${e.name.padEnd(width)}  ${e.dtype.padEnd(4)}  [${e.shape.join(', ')}]`);
    });
}
