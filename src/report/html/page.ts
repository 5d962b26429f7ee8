/**
 * The report's HTML pages, self-contained: styles, the SVG drawings, the data and the script
 * are all inline, nothing is loaded from anywhere (no CDN, no fonts), so a page works offline
 * and can be mailed. A counterexample page has the sequence diagram, the step scrubber with
 * every actor's statechart, seq values, page tables and locks; a search's pages add the
 * coverage per machine, and its index the verdict table.
 */
import type { MachineCoverage } from './coverage.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { sequenceSvg } from './sequence-svg.ts';
import { statechartSvg } from './statechart-svg.ts';
import { esc } from './svg.ts';
import type { TraceView } from './trace-view.ts';

const STYLE = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; background: #fafafa; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 6px; }
.meta { color: #555; margin: 2px 0; } .mono, svg text, td { font-family: ui-monospace, Menlo, Consolas, monospace; }
table { border-collapse: collapse; margin: 4px 0 10px; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; font-size: 12px; }
th { background: #eee; } td.empty { color: #999; } .bad { color: #b00020; font-weight: bold; } .ok { color: #1b5e20; } .open { color: #9a6700; }
.scroll { overflow: auto; max-height: 60vh; border: 1px solid #ddd; background: #fff; }
svg text { font-size: 12px; } .group { fill: #f3f6fb; stroke: #c9d3e3; } .group-label { font-size: 11px; fill: #456; text-anchor: middle; }
.head { fill: #fff; stroke: #567; } .head-label { text-anchor: middle; } .lifeline { stroke: #9ab; stroke-dasharray: 4 3; }
.step .row { fill: transparent; } .step:hover .row { fill: #eef; } .step .n { text-anchor: end; fill: #789; }
.arrow { stroke: #333; fill: none; } .dot { fill: #333; } .label { fill: #222; }
.step.race .row { fill: #fff1cc; } .step.race .arrow { stroke: #c77700; stroke-width: 2; }
.step.violation .row { fill: #fde7ea; } .violation-line { stroke: #b00020; stroke-width: 2; } .violation-note { fill: #b00020; font-weight: bold; }
.step.current .row { fill: #cfe3ff; stroke: #3a7bd5; } .loop { stroke: #6a1b9a; fill: none; stroke-width: 2; } .loop-label { fill: #6a1b9a; font-size: 11px; }
.controls { position: sticky; top: 0; background: #fafafa; padding: 6px 0; z-index: 1; border-bottom: 1px solid #ddd; }
#scrubber { width: 50%; vertical-align: middle; } #step-text { font-family: ui-monospace, monospace; } #step-flags { color: #b00020; }
.actors { display: flex; flex-wrap: wrap; gap: 10px; } .actor { border: 1px solid #ccd; background: #fff; padding: 4px; border-radius: 4px; }
.actor.acting { border-color: #3a7bd5; box-shadow: 0 0 0 2px #cfe3ff; } .actor-name { font-weight: bold; } .actor-state { font-family: ui-monospace, monospace; font-size: 11px; color: #345; }
.statechart .state rect { fill: #fff; stroke: #aab; } .statechart .parallel > rect, .statechart .compound > rect { fill: #f7f8fb; }
.statechart .state.on > rect { fill: #ffe082; stroke: #c77700; stroke-width: 1.5; } .statechart .leaf.on > rect { fill: #ffb300; }
.statechart text { font-size: 10px; text-anchor: middle; } .statechart text.title { text-anchor: start; fill: #456; }
.statechart .region { stroke: #99a; stroke-dasharray: 3 3; } .tables { display: flex; flex-wrap: wrap; gap: 24px; }
`;

export interface PageInput {
  title: string;
  /** Lines under the title (verdict, file, search statistics). */
  meta: string[];
  traces: TraceView[];
  coverage?: MachineCoverage[];
  /** A link back to the index, for the pages of a whole search. */
  index?: string;
}

const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function shell(title: string, body: string[], data?: unknown): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body>`,
    ...body,
    ...(data === undefined
      ? []
      : [`<script type="application/json" id="report-data">${json(data)}</script>`, `<script>${PAGE_SCRIPT}</script>`]),
    '</body></html>',
    '',
  ].join('\n');
}

export function coverageTable(coverage: MachineCoverage[]): string {
  const pct = (c: { covered: number; total: number }) =>
    `${c.covered} / ${c.total} (${c.total ? Math.round((100 * c.covered) / c.total) : 100}%)`;
  const rows = coverage.map(
    (m) =>
      `<tr><td>${esc(m.machine)}</td><td>${esc(m.actors.join(', '))}</td><td>${pct(m.states)}</td><td>${pct(m.transitions)}</td><td>${esc(m.missedStates.join(', ') || '—')}</td></tr>`,
  );
  return `<table class="coverage"><tr><th>machine</th><th>actors</th><th>states</th><th>transitions</th><th>states never at rest</th></tr>${rows.join('')}</table><p class="meta">A state is counted when some actor rested in it between steps: one left at once by an eventless transition (a step's passing state) is never at rest. A transition is counted when a step's event took it; eventless ones are in the totals only.</p>`;
}

/** A page of one scenario (or one trace file): its counterexamples with the scrubber. */
export function scenarioPage(p: PageInput): string {
  const body = [
    p.index ? `<p><a href="${esc(p.index)}">← all scenarios</a></p>` : '',
    `<h1>${esc(p.title)}</h1>`,
    ...p.meta.map((m) => `<p class="meta">${esc(m)}</p>`),
  ];
  if (p.coverage) body.push('<h2>Coverage</h2>', coverageTable(p.coverage));
  if (!p.traces.length) {
    body.push('<p>No counterexample: nothing to step through.</p>');
    return shell(p.title, body, { traces: [] });
  }
  const picker =
    p.traces.length > 1
      ? `<select id="trace-picker">${p.traces.map((t, i) => `<option value="${i}">${esc(t.violation.kind)} (${t.steps.length} steps)</option>`).join('')}</select> `
      : '';
  body.push(
    '<h2>Counterexample</h2>',
    `<div class="controls">${picker}<button id="prev" title="←">←</button> <input type="range" id="scrubber" min="0" value="0"> <button id="next" title="→">→</button> <span id="step-no"></span><br><span id="step-text"></span> <span id="step-flags"></span></div>`,
  );
  for (const [i, t] of p.traces.entries()) {
    const notes = [
      `<p class="bad">✗ ${esc(t.violation.kind)}: ${esc(t.violation.message)}</p>`,
      t.race ? `<p class="meta">Critical reordering (highlighted): ${esc(t.race.text)}</p>` : '',
      t.loopFrom !== undefined
        ? `<p class="meta">A livelock: steps ${t.loopFrom + 1}..${t.steps.length} form a loop back to the state before step ${t.loopFrom + 1}, and repeat forever.</p>`
        : '',
      t.divergedAt !== undefined
        ? `<p class="bad">The model no longer takes step ${t.divergedAt} of this trace: shown up to step ${t.divergedAt - 1}.</p>`
        : '',
    ];
    body.push(
      `<section class="trace" data-trace="${i}"${i ? ' hidden' : ''}>`,
      ...notes,
      `<div class="scroll">${sequenceSvg(t)}</div></section>`,
    );
  }
  const first = p.traces[0];
  body.push(
    '<h2>Actors at this step</h2><div class="actors">',
    ...first.actors.map(
      (a) =>
        `<div class="actor" data-actor="${esc(a.id)}"><div class="actor-name">${esc(a.id)} <span class="meta">${esc(a.machine)} · ${esc(a.group)}</span></div><div class="actor-state"></div>${statechartSvg(first.machines[a.machine], a.id)}</div>`,
    ),
    '</div>',
    '<div class="tables">',
    '<div><h2>Seq values</h2><table id="seq-table"></table></div>',
    '<div><h2>Locks held</h2><table id="lock-table"></table></div>',
    '<div><h2>Device page tables</h2><table id="device-table"></table></div>',
    '<div><h2>CPU page tables</h2><table id="cpu-table"></table></div>',
    '</div>',
  );
  const data = {
    traces: p.traces.map(({ steps, frames, race, reportedAt, loopFrom, violation }) => ({
      steps,
      frames,
      race,
      reportedAt,
      loopFrom,
      violation,
    })),
  };
  return shell(p.title, body, data);
}

export interface VerdictRow {
  verdict: string;
  scenario: string;
  page: string;
  expected: string;
  found: string;
  states: number;
  complete: string;
  ms: number;
}

/** The index of a whole search: the verdict table, linking each scenario's page. */
export function indexPage(title: string, meta: string[], rows: VerdictRow[], coverage: MachineCoverage[]): string {
  const cls = (v: string) => (v === 'ok' ? 'ok' : v === 'inconclusive' || v === 'skipped' ? 'open' : 'bad');
  const body = [
    `<h1>${esc(title)}</h1>`,
    ...meta.map((m) => `<p class="meta">${esc(m)}</p>`),
    '<h2>Verdicts</h2>',
    '<table class="verdicts"><tr><th>verdict</th><th>scenario</th><th>expected</th><th>found</th><th>states</th><th>complete</th><th>ms</th></tr>',
    ...rows.map(
      (r) =>
        `<tr><td class="${cls(r.verdict)}">${esc(r.verdict)}</td><td>${r.page ? `<a href="${esc(r.page)}">${esc(r.scenario)}</a>` : esc(r.scenario)}</td><td>${esc(r.expected)}</td><td>${esc(r.found)}</td><td>${r.states}</td><td>${esc(r.complete)}</td><td>${r.ms}</td></tr>`,
    ),
    '</table>',
    '<h2>Coverage per machine, over all scenarios</h2>',
    coverageTable(coverage),
  ];
  return shell(title, body);
}
