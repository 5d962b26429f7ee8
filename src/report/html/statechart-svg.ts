/**
 * A machine's state tree as nested boxes (an own, simple layout; no arrows): an atomic state is
 * a small box, a compound state a titled box holding its children in a grid, a parallel state
 * its regions side by side with dashed lines between them. Every box has `data-state` (the
 * state node's id), so the page lights the active ones at each step.
 */
import type { GraphState } from '../machine-graph.ts';
import { esc, textWidth } from './svg.ts';

interface Box {
  w: number;
  h: number;
  draw(x: number, y: number, out: string[]): void;
}

const PAD = 6;
const TITLE = 16;
const LEAF_H = 20;

function leaf(s: GraphState): Box {
  const label = s.type === 'final' ? `${s.key} ◉` : s.type === 'history' ? `${s.key} (H)` : s.key;
  const w = textWidth(label, 10) + 12;
  return {
    w,
    h: LEAF_H,
    draw(x, y, out) {
      out.push(
        `<g class="state leaf" data-state="${esc(s.id)}"><rect x="${x}" y="${y}" width="${w}" height="${LEAF_H}" rx="8"/>`,
        `<text x="${x + w / 2}" y="${y + 14}">${esc(label)}</text></g>`,
      );
    },
  };
}

/** Children in a grid of about √n columns; each column as wide as its widest box. */
function grid(children: Box[]): { w: number; h: number; place: (x: number, y: number, out: string[]) => void } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(children.length)));
  const widths: number[] = [];
  const heights: number[] = [];
  children.forEach((c, i) => {
    widths[i % cols] = Math.max(widths[i % cols] ?? 0, c.w);
    heights[Math.floor(i / cols)] = Math.max(heights[Math.floor(i / cols)] ?? 0, c.h);
  });
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  return {
    w: sum(widths) + PAD * (widths.length - 1),
    h: sum(heights) + PAD * (heights.length - 1),
    place(x, y, out) {
      children.forEach((c, i) => {
        const cx = x + sum(widths.slice(0, i % cols)) + PAD * (i % cols);
        const row = Math.floor(i / cols);
        const cy = y + sum(heights.slice(0, row)) + PAD * row;
        c.draw(cx, cy, out);
      });
    },
  };
}

function box(s: GraphState): Box {
  if (!s.children.length) return leaf(s);
  const kids = s.children.map(box);
  const parallel = s.type === 'parallel';
  // Regions of a parallel state side by side; a compound state's children in a grid.
  const inner = parallel
    ? {
        w: kids.reduce((n, k) => n + k.w, 0) + PAD * 2 * (kids.length - 1),
        h: Math.max(...kids.map((k) => k.h)),
        place(x: number, y: number, out: string[]) {
          let cx = x;
          kids.forEach((k, i) => {
            if (i > 0) {
              out.push(`<line class="region" x1="${cx - PAD}" y1="${y}" x2="${cx - PAD}" y2="${y + this.h}"/>`);
            }
            k.draw(cx, y, out);
            cx += k.w + PAD * 2;
          });
        },
      }
    : grid(kids);
  const w = Math.max(inner.w + PAD * 2, textWidth(s.key, 10) + 16);
  const h = inner.h + TITLE + PAD * 2;
  return {
    w,
    h,
    draw(x, y, out) {
      out.push(
        `<g class="state ${parallel ? 'parallel' : 'compound'}" data-state="${esc(s.id)}"><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6"/>`,
        `<text class="title" x="${x + 6}" y="${y + 12}">${esc(s.key)}${parallel ? ' ∥' : ''}</text></g>`,
      );
      inner.place(x + PAD, y + TITLE + PAD, out);
    },
  };
}

export function statechartSvg(root: GraphState, actor: string): string {
  const b = box(root);
  const out: string[] = [];
  b.draw(1, 1, out);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-actor="${esc(actor)}" width="${b.w + 2}" height="${b.h + 2}" viewBox="0 0 ${b.w + 2} ${b.h + 2}">${out.join('')}</svg>`;
}
