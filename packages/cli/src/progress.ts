/** A progress bar for long steps: loss, accuracy, throughput and ETA (cli-progress; plain lines when not a TTY). */
import cliProgress from 'cli-progress';

export interface ProgressValues {
  loss?: number;
  acc?: number;
  speed?: number;
}

export class Progress {
  readonly #bar: cliProgress.SingleBar;
  readonly #quiet: boolean;

  constructor(label: string, total: number, { quiet = false }: { quiet?: boolean } = {}) {
    this.#quiet = quiet;
    this.#bar = new cliProgress.SingleBar({
      format: `${label.padEnd(10)} {bar} {percentage}% {value}/{total} | loss {loss} | acc {acc} | {speed} img/s | ETA {eta_formatted}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 24,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      etaBuffer: 20,
    }, cliProgress.Presets.shades_classic);
    if (!quiet) this.#bar.start(total, 0, format({}));
  }

  /**
   * Updates the values, then yields to the event loop: training steps are synchronous work, and
   * without a turn of the loop the bar's redraw timer never fires.
   */
  async update(value: number, values: ProgressValues): Promise<void> {
    if (this.#quiet) return;
    this.#bar.update(value, format(values));
    await new Promise((resolve) => setImmediate(resolve));
  }

  stop(): void {
    if (!this.#quiet) this.#bar.stop();
  }
}

function format({ loss, acc, speed }: ProgressValues): Record<string, string> {
  return {
    loss: loss === undefined ? '  -   ' : loss.toFixed(4),
    acc: acc === undefined ? '  -  ' : `${(acc * 100).toFixed(1)}%`,
    speed: speed === undefined ? '-' : speed.toFixed(1),
  };
}
