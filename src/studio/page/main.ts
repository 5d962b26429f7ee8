/**
 * The studio page: fetch the scenario (and a trace's schedule) from the studio's server, run the
 * world here in the page (mirrorlab/browser), and let the user pick each delivery, undo, redo,
 * restart and save the schedule as a trace for `mirrorlab replay`.
 */
import './zod-without-eval.ts';
import { render, type StudioView } from './render.ts';
import { StudioSession } from './session.ts';
import type { StudioInput } from './studio-input.ts';
import { studioTraceJson } from './trace-json.ts';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let session: StudioSession;

const view: StudioView = {
  choose: (i) => update(() => session.choose(session.enabled()[i].step)),
  goTo: (k) => update(() => session.goTo(k)),
};

function update(change: () => void): void {
  change();
  byId('saved').hidden = true;
  render(session, view);
}

async function start(): Promise<void> {
  const response = await fetch('/studio/input.json');
  if (!response.ok) throw new Error(`the studio's server answered ${response.status}: ${await response.text()}`);
  const input = (await response.json()) as StudioInput;
  offerChoices(input);
  await open(input);
  byId('restart').addEventListener('click', () => update(() => session.restart()));
  byId('start').addEventListener('click', () => update(() => session.goTo(0)));
  byId('back').addEventListener('click', () => update(() => session.back()));
  byId('forward').addEventListener('click', () => update(() => session.forward()));
  byId('end').addEventListener('click', () => update(() => session.goTo(session.schedule.length)));
  byId('save').addEventListener('click', () => save(session));
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLSelectElement) return;
    if (e.key === 'ArrowLeft') update(() => session.back());
    else if (e.key === 'ArrowRight') update(() => session.forward());
  });
  document.body.dataset.ready = 'true';
}

/** Start a session on one scenario (and a trace's schedule) and draw it. */
async function open(input: StudioInput): Promise<void> {
  byId('scenario-name').textContent = input.scenario.name;
  byId('origin').textContent = input.trace
    ? `trace ${input.trace.file} (${input.trace.violation.kind}), positioned at its end: undo and redo step through it`
    : 'choose each delivery; the monitors judge the schedule at every step';
  byId('error').textContent = '';
  session = await StudioSession.open(input);
  if (session.divergence) {
    const d = session.divergence;
    byId('error').textContent =
      `the trace no longer matches the scenario at its step ${d.at + 1} (${d.wanted.actor} ← ${d.wanted.event.type}): its steps before that are loaded`;
  }
  byId('saved').hidden = true;
  render(session, view);
}

/** Opened on a folder: a list of its scenarios, and what was left out. */
function offerChoices(input: StudioInput): void {
  const choices = input.choices ?? [];
  if (choices.length < 2 && !input.skipped?.length) return;
  const select = byId<HTMLSelectElement>('scenario-choice');
  select.replaceChildren(...choices.map((c, i) => new Option(c.name, String(i))));
  select.addEventListener('change', () => {
    open({ scenario: choices[Number(select.value)], tool: input.tool }).catch(showError);
  });
  byId('choices').hidden = false;
  byId('skipped').textContent = input.skipped?.length ? `not offered: ${input.skipped.join('; ')}` : '';
}

/** Download the schedule up to the cursor as a trace, and say how to replay it. */
function save(session: StudioSession): void {
  const found = session.verdict().filter((v) => v.severity !== 'observation');
  const first = found.sort((a, b) => a.steps - b.steps)[0];
  const original = session.input.trace;
  // The preloaded trace, unchanged: keep what it says (a lasso's loop, its violation).
  const unchanged =
    original &&
    !session.divergence &&
    session.cursor === original.steps.length &&
    session.schedule.length === session.cursor;
  const violation = unchanged
    ? original.violation
    : first
      ? { kind: first.kind, message: first.message }
      : // NOTHING_VIOLATED of src/check/trace-file.ts (which reads files, so the page cannot import it)
        { kind: 'none', message: 'a schedule saved from mirrorlab studio on which nothing was violated' };
  const json = studioTraceJson({
    scenario: { ...session.input.scenario, name: null },
    toolVersion: session.input.tool.version,
    violation,
    steps: session.taken,
    witnesses: original?.witnesses,
    loopFrom: unchanged ? original.loopFrom : undefined,
  });
  const base = session.input.scenario.name.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
  const name = `${base}.${violation.kind === 'none' ? 'schedule' : violation.kind}.json`;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  const saved = byId('saved');
  const note =
    violation.kind === 'none'
      ? ' Nothing is violated on it: replay re-runs its steps and checks that this is still so; `mirrorlab studio` reopens it.'
      : ` Replay re-runs its ${session.cursor} steps and checks that ${violation.kind} happens again.`;
  const command = document.createElement('code');
  command.id = 'replay-command';
  command.textContent = `mirrorlab replay ${name}`;
  saved.replaceChildren('Saved ', name, '. In the folder your browser saved it to, run ', command, `.${note}`);
  saved.hidden = false;
}

function showError(e: Error): void {
  byId('error').textContent = e.message;
  document.body.dataset.ready = 'error';
}

start().catch(showError);
