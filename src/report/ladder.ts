/**
 * A counterexample as a ladder diagram: one column per actor that takes part, one row per
 * step, the receiving actor's column showing the event, and the state change and seq values
 * underneath. This is the two-column race drawing of mailing-list threads, for N actors.
 */

import { matchRenamed } from '../explorer/liveness/lasso-replay.ts';
import type { ControlledWorld, SemanticStep } from '../runtime/controlled-world.ts';
import { eventText, seqText, stateText } from './state-text.ts';

/** A full-width line that marks where a lasso's loop starts or closes. */
function loopMark(width: number, text: string): string {
  const label = ` ${text} `;
  return `${''.padStart(4)}  ${'┄'.repeat(2)}${label}${'┄'.repeat(Math.max(2, width - label.length - 2))}`;
}

export interface LadderRow {
  n: number;
  actor: string;
  from: string;
  event: string;
  change: string;
  seq: string;
}

/**
 * Replays the trace to collect what each step changed; stops at a divergence. The steps of a
 * lasso's loop (from `loopFrom`) are matched up to renamed sequence numbers (liveness/lasso-replay.ts).
 */
export function ladderRows(world: ControlledWorld, trace: SemanticStep[], loopFrom?: number): LadderRow[] {
  const rows: LadderRow[] = [];
  let state = world.initial;
  for (const [i, wanted] of trace.entries()) {
    const step =
      loopFrom !== undefined && i >= loopFrom ? matchRenamed(world, state, wanted) : world.match(state, wanted);
    if (!step) break;
    const before = world.snapshot(state, step.actor);
    const { state: next } = world.apply(state, step);
    const after = world.snapshot(next, step.actor);
    const a = stateText(before.value);
    const b = stateText(after.value);
    rows.push({
      n: i + 1,
      actor: wanted.actor,
      from: wanted.kind === 'deliver' ? (wanted.from ?? '') : wanted.kind,
      event: eventText(wanted.event as { type: string }),
      change: a === b ? '' : `${a} → ${b}`,
      seq: seqText(after),
    });
    state = next;
  }
  return rows;
}

/** The width ladders get by default: the terminal's, or unlimited when stdout is not one. */
export function terminalWidth(): number | undefined {
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}

const clipText = (s: string, max: number) => (s.length > max ? `${s.slice(0, Math.max(0, max - 1))}…` : s);

/**
 * Narrow columns' names on two header lines, every other one on the second, so that each may
 * run on over its neighbour's column: `lock:gpu0` still fits over two columns of 5.
 */
function staggered(columns: string[], widths: number[]): string {
  const rows = [[], []] as string[][];
  let at = 0;
  columns.forEach((c, i) => {
    const line = rows[i % 2];
    const room = widths[i] + (widths[i + 1] ?? 10) - 1;
    line.push(' '.repeat(Math.max(0, at - line.join('').length)), clipText(c, room));
    at += widths[i];
  });
  return `${rows[0].join('')}\n${''.padStart(6)}${rows[1].join('')}`;
}

/** Room the step text needs at least before columns are narrowed for it. */
const MIN_INFO = 30;

/**
 * Columns are actors (only those that take part: idle actors are left out); a row draws an
 * arrow from the sender's column to the receiver's (`●───►` or `◄───●`; `◆` for a timer or a
 * choice taken by the actor itself), then the event, the receiver's state change and its seq
 * values. Within `width` columns, columns are narrowed (names cut, listed in full above) and
 * each row's text is cut to fit.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, renderLadder, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/missing-set-seq.yaml');
 * const [v] = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors() }).violations;
 * console.log(renderLadder(world, v.trace)); // one column per actor, one row per step
 * ```
 */
export function renderLadder(world: ControlledWorld, trace: SemanticStep[], loopFrom?: number, width?: number): string {
  const rows = ladderRows(world, trace, loopFrom);
  const used = new Set(rows.flatMap((r) => [r.actor, r.from]));
  const columns = world.actors.map((a) => a.id).filter((id) => used.has(id));
  let widths = columns.map((c) => Math.max(c.length, 6) + 2);
  const natural = 6 + widths.reduce((a, b) => a + b, 0);
  const narrowed = width !== undefined && natural + MIN_INFO > width;
  if (narrowed) {
    const each = Math.max(4, Math.floor((width - 6 - MIN_INFO) / Math.max(1, columns.length)));
    widths = widths.map((w) => Math.min(w, each));
  }
  const header = columns.map((c, i) => clipText(c, widths[i] - 1).padEnd(widths[i])).join('');
  const lines = [`${'#'.padStart(4)}  ${narrowed ? staggered(columns, widths) : header}`];
  lines.push(`${''.padStart(4)}  ${'─'.repeat(header.length)}`);
  const room = width === undefined ? Number.POSITIVE_INFINITY : Math.max(12, width - 7 - header.length);
  for (const r of rows) {
    const to = columns.indexOf(r.actor);
    const from = columns.indexOf(r.from);
    const cells = columns.map((_, i) => {
      const w = widths[i];
      const mid = Math.floor(w / 2) - 1;
      if (from < 0)
        return i === to
          ? `${' '.repeat(mid)}◆${' '.repeat(w - mid - 1)}`
          : `${' '.repeat(mid)}│${' '.repeat(w - mid - 1)}`;
      const lo = Math.min(from, to);
      const hi = Math.max(from, to);
      if (i < lo || i > hi) return `${' '.repeat(mid)}│${' '.repeat(w - mid - 1)}`;
      const mark = i === from ? '●' : i === to ? (to > from ? '►' : '◄') : '─';
      const left = i === lo ? ' '.repeat(mid) : '─'.repeat(mid);
      const right = i === hi ? ' '.repeat(w - mid - 1) : '─'.repeat(w - mid - 1);
      return `${left}${mark}${right}`;
    });
    const info = [r.event, r.change && `[${r.change}]`, r.seq && `(${r.seq})`].filter(Boolean).join(' ');
    if (r.n === (loopFrom ?? -1) + 1)
      lines.push(loopMark(header.length, `loop: steps ${r.n}..${trace.length}, then again from ${r.n}`));
    lines.push(`${String(r.n).padStart(4)}  ${cells.join('')} ${clipText(info, room)}`);
  }
  if (loopFrom !== undefined && rows.length === trace.length)
    lines.push(loopMark(header.length, `back to the state before step ${loopFrom + 1}: the loop repeats forever`));
  return lines.join('\n');
}
