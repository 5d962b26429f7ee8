/**
 * A counterexample as an SVG sequence diagram: a lifeline per actor that takes part, grouped
 * under the kernel object it belongs to, an arrow per step from sender to receiver labelled
 * with the event (a loop on the lifeline for a timer or a choice), the two steps of the critical
 * reordering highlighted, a livelock's loop bracketed, and the violation marked with the
 * monitor's message after the step that reported it. Every step's row carries `data-step`, so
 * the page's scrubber can point at it.
 */
import { clip, esc, textWidth } from './svg.ts';
import type { TraceView } from './trace-view.ts';

const COL = 120;
const ROW = 26;
const LEFT = 56;
const TOP = 64;

export function sequenceSvg(v: TraceView): string {
  const used = new Set(v.steps.flatMap((s) => [s.actor, s.from]));
  // Columns in the world's order, grouped by kernel object (groups in order of first actor).
  const groups: string[] = [];
  for (const a of v.actors) if (used.has(a.id) && !groups.includes(a.group)) groups.push(a.group);
  const columns = groups.flatMap((g) => v.actors.filter((a) => a.group === g && used.has(a.id)));
  const x = new Map(columns.map((a, i) => [a.id, LEFT + COL / 2 + i * COL]));
  const width = LEFT + columns.length * COL + 260;
  const rowY = (n: number) => TOP + n * ROW;
  const bottom = rowY(v.steps.length) + 24;
  const height = bottom + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="sequence" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
  ];
  // Group bands and actor heads.
  for (const g of groups) {
    const members = columns.filter((a) => a.group === g);
    const x0 = x.get(members[0].id)! - COL / 2 + 4;
    const x1 = x.get(members[members.length - 1].id)! + COL / 2 - 4;
    out.push(
      `<rect class="group" x="${x0}" y="4" width="${x1 - x0}" height="${bottom - 4}" rx="6"/>`,
      `<text class="group-label" x="${(x0 + x1) / 2}" y="18">${esc(g)}</text>`,
    );
  }
  for (const a of columns) {
    const cx = x.get(a.id)!;
    out.push(
      `<rect class="head" x="${cx - COL / 2 + 10}" y="26" width="${COL - 20}" height="22" rx="3"/>`,
      `<text class="head-label" x="${cx}" y="41">${esc(clip(a.id, 15))}<title>${esc(a.id)} (${esc(a.machine)})</title></text>`,
      `<line class="lifeline" x1="${cx}" y1="48" x2="${cx}" y2="${bottom}"/>`,
    );
  }
  if (v.loopFrom !== undefined) {
    const y0 = rowY(v.loopFrom) + 2;
    const y1 = rowY(v.steps.length);
    out.push(
      `<path class="loop" d="M${LEFT - 8},${y0} h-10 V${y1} h10"/>`,
      `<text class="loop-label" x="6" y="${(y0 + y1) / 2}">loop ↻</text>`,
    );
  }
  const raceSteps = v.race ? [v.race.first, v.race.second] : [];
  for (const s of v.steps) {
    const y = rowY(s.n - 1);
    const classes = ['step', raceSteps.includes(s.n) ? 'race' : '', s.n === v.reportedAt ? 'violation' : '']
      .filter(Boolean)
      .join(' ');
    const to = x.get(s.actor)!;
    const from = x.get(s.from) ?? to;
    const label = `${s.event}${s.change ? `  [${s.change}]` : ''}`;
    out.push(
      `<g class="${classes}" data-step="${s.n}"><title>${esc(`${s.n}. ${s.from} → ${s.actor}: ${label}`)}</title>`,
    );
    out.push(`<rect class="row" x="${LEFT - 4}" y="${y}" width="${width - LEFT}" height="${ROW}"/>`);
    out.push(`<text class="n" x="${LEFT - 10}" y="${y + 17}">${s.n}</text>`);
    if (from === to) {
      out.push(
        `<path class="arrow" d="M${to},${y + 7} h18 v12 h-16" marker-end="url(#head)"/>`,
        `<text class="label" x="${to + 24}" y="${y + 17}">${esc(clip(label, 60))}</text>`,
      );
    } else {
      const lo = Math.min(from, to);
      const room = Math.max(COL, Math.abs(to - from)) / 7.2;
      out.push(
        `<circle class="dot" cx="${from}" cy="${y + 18}" r="3"/>`,
        `<line class="arrow" x1="${from}" y1="${y + 18}" x2="${to}" y2="${y + 18}" marker-end="url(#head)"/>`,
        `<text class="label" x="${lo + 6}" y="${y + 13}">${esc(clip(label, Math.floor(room + 20)))}</text>`,
      );
    }
    out.push('</g>');
  }
  const note = v.reportedAt
    ? `✗ ${v.violation.kind} after step ${v.reportedAt}: ${v.violation.message}`
    : `✗ ${v.violation.kind}: ${v.violation.message}`;
  out.push(
    `<text class="violation-note" x="${LEFT}" y="${bottom + 20}">${esc(clip(note, Math.floor((width - LEFT) / textWidth('x'))))}<title>${esc(note)}</title></text>`,
  );
  if (v.reportedAt) {
    const y = rowY(v.reportedAt);
    out.push(`<line class="violation-line" x1="${LEFT - 4}" y1="${y}" x2="${width - 4}" y2="${y}"/>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
