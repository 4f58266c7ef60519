/**
 * A progress bar on stderr for long work: rows done, rows/s and ETA. It draws only when stderr is a TTY (and
 * not with --quiet or --json), so piped output and logs stay clean. Redraws at most 10 times a second.
 */
export interface ProgressBar {
  update(done: number, total: number | undefined, detail?: string): void;
  done(): void;
}

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

export function progressBar(label: string, unit: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!enabled || !stream.isTTY) return { update() {}, done() {} };
  const start = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(done, total, detail) {
      const now = performance.now();
      if (now - last < 100 && !(total !== undefined && done >= total)) return;
      last = now;
      const secs = (now - start) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      const width = 24;
      let bar = '';
      let tail = '';
      if (total !== undefined && total > 0) {
        const f = Math.min(1, done / total);
        bar = `[${'#'.repeat(Math.round(f * width)).padEnd(width, '.')}] ${(f * 100).toFixed(0).padStart(3)}% `;
        tail = ` ETA ${duration(rate > 0 ? (total - done) / rate : Infinity)}`;
      }
      const text = `${label} ${bar}${human(done)}${total !== undefined ? `/${human(total)}` : ''} ${unit} ${human(rate)} ${unit}/s${tail}${detail ? ` ${detail}` : ''}`;
      stream.write(`\r${text.slice(0, (stream.columns ?? 100) - 1)}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
