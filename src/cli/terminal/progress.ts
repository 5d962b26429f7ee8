/**
 * One line of progress on stderr, rewritten in place, for work that takes a while (a search, the
 * conformance suite). Only on a terminal and without `--quiet`: a pipe or a log file gets
 * nothing, so output that is read by programs is never mixed with it. Redrawn at most five times
 * a second; `done()` clears it before the results are printed.
 */
import type { ProgressDetail } from '../../explorer/search-types.ts';
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface Progress {
  update(text: string): void;
  done(): void;
}

const REDRAW_MS = 200;

export function progressLine(stream: ProgressStream = process.stderr, quiet = false): Progress {
  if (quiet || !stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      const width = (stream.columns ?? 80) - 1;
      stream.write(`\r\u001b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\u001b[K');
      shown = false;
    },
  };
}

/** `1.2M`, `34k`, `512`. */
export function count(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(n);
}

/**
 * `fault-vs-unmap: 1.2M states, 980k states/s, depth 41, frontier 33k, 1.3 s`; for sampling,
 * `413 states, schedules 94k/100k, 28k schedules/s, depth 43, 3.4 s`.
 */
export function searchProgressText(label: string, states: number, elapsedMs: number, d?: ProgressDetail): string {
  const perSecond = (n: number) => count(Math.round(elapsedMs > 0 ? (n * 1000) / elapsedMs : 0));
  const parts = [`${count(states)} states`];
  if (d?.schedules !== undefined)
    parts.push(`schedules ${count(d.schedules)}/${count(d.of ?? 0)}`, `${perSecond(d.schedules)} schedules/s`);
  else parts.push(`${perSecond(states)} states/s`);
  if (d) parts.push(`depth ${d.depth}`);
  if (d?.frontier !== undefined) parts.push(`frontier ${count(d.frontier)}`);
  parts.push(`${(elapsedMs / 1000).toFixed(1)} s`);
  return `${label}: ${parts.join(', ')}`;
}
