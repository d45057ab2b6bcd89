/** Progress for long commands: a bar on a terminal, a plain line every tenth otherwise. */

export interface Progress {
  /** Counts `count` more items done (one by default). */
  tick(count?: number): void;
  done(): void;
}

export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  let count = 0;
  let shown = -1;
  const width = 30;
  const interactive = stream.isTTY === true;
  const step = interactive ? 100 : 10; // updates per run
  const render = (): void => {
    const fraction = total === 0 ? 1 : count / total;
    if (interactive) {
      const filled = Math.round(fraction * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${count}/${total}`);
    } else {
      stream.write(`${label}: ${count}/${total} (${Math.floor(fraction * 100)}%)\n`);
    }
  };
  return {
    tick(done = 1) {
      count += done;
      const bucket = Math.floor((count * step) / Math.max(total, 1));
      if (bucket !== shown) {
        shown = bucket;
        render();
      }
    },
    done() {
      if (shown !== step) render();
      if (interactive) stream.write('\n');
    },
  };
}
