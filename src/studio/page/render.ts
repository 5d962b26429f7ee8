/**
 * Draws a studio session: the verdict, the enabled steps (buttons), the schedule (taken steps,
 * then the undone ones, dimmed) and every actor's state. Each call redraws from the session.
 */
import type { FoundViolation } from 'mirrorlab/browser';
import type { StudioSession } from './session.ts';
import { stepLine, stepWords } from './step-words.ts';

export interface StudioView {
  choose(index: number): void;
  goTo(k: number): void;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

export function render(session: StudioSession, view: StudioView): void {
  const found = session.verdict();
  renderVerdict(session, found);
  renderEnabled(session, view);
  renderSchedule(session, view);
  renderActors(session);
  const n = session.schedule.length;
  byId('position').textContent = `step ${session.cursor} of ${n}`;
  byId<HTMLButtonElement>('back').disabled = session.cursor === 0;
  byId<HTMLButtonElement>('start').disabled = session.cursor === 0;
  byId<HTMLButtonElement>('forward').disabled = session.cursor === n;
  byId<HTMLButtonElement>('end').disabled = session.cursor === n;
}

function renderVerdict(session: StudioSession, found: FoundViolation[]): void {
  const box = byId('verdict');
  const real = found.filter((v) => v.severity !== 'observation');
  const seen = found.filter((v) => v.severity === 'observation');
  box.className = real.length ? 'violation' : 'ok';
  const head = real.length
    ? `VIOLATION: ${real.map((v) => `${v.kind} at step ${v.steps}`).join(', ')}`
    : `no violation in ${session.cursor} steps`;
  const lines = [...real, ...seen].map((v) =>
    el('span', { class: 'message' }, `${v.severity === 'observation' ? 'observed ' : ''}${v.kind}: ${v.message}`),
  );
  const ended =
    session.enabled().length === 0 ? [el('span', { class: 'message' }, 'no step is enabled: the run has ended')] : [];
  box.replaceChildren(head, ...lines, ...ended);
}

function renderEnabled(session: StudioSession, view: StudioView): void {
  const next = session.schedule[session.cursor];
  const items = session.enabled().map((e, i) => {
    const w = stepWords(e.semantic);
    const button = el(
      'button',
      { type: 'button', 'data-actor': w.actor, 'data-kind': e.semantic.kind, title: stepLine(e.semantic) },
      el('span', { class: 'actor' }, w.actor),
      ' ← ',
      el('span', { class: 'event' }, w.event),
      ' ',
      el('span', { class: 'source' }, w.source),
    );
    if (next && stepLine(next) === stepLine(e.semantic)) button.append(' ', el('em', {}, '(redo)'));
    button.addEventListener('click', () => view.choose(i));
    return el('li', {}, button);
  });
  byId('enabled').replaceChildren(...items);
}

function renderSchedule(session: StudioSession, view: StudioView): void {
  const marks = new Map<number, string[]>();
  for (const v of session.verdictOfSchedule()) marks.set(v.steps, [...(marks.get(v.steps) ?? []), v.kind]);
  const loopFrom = session.input.trace?.loopFrom;
  const rows = session.schedule.map((s, i) => {
    const k = i + 1;
    const change = session.change(k);
    const li = el('li', { 'data-step': String(k) }, stepLine(s));
    if (change) li.append(' ', el('span', { class: 'change' }, `[${change}]`));
    const kinds = marks.get(k);
    if (kinds) {
      li.classList.add('found');
      li.append(' ', el('strong', {}, `⚠ ${kinds.join(', ')}`));
    }
    if (loopFrom !== undefined && i === loopFrom) li.prepend(el('em', {}, '(loop starts) '));
    if (k > session.cursor) li.classList.add('undone');
    if (k === session.cursor) li.classList.add('here');
    li.addEventListener('click', () => view.goTo(k));
    return li;
  });
  byId('schedule').replaceChildren(...rows);
}

function renderActors(session: StudioSession): void {
  const head = el('tr', {}, el('th', {}, 'actor'), el('th', {}, 'state'), el('th', {}, 'seq'), el('th', {}, 'inbox'));
  const rows = session.actors().map((a) => {
    const context = el(
      'details',
      {},
      el('summary', {}, a.state || '(no state)'),
      el('pre', {}, contextText(a.context)),
    );
    const tr = el(
      'tr',
      { 'data-actor': a.id },
      el('td', { class: 'actor' }, a.id),
      el('td', { class: 'state' }, context),
      el('td', {}, a.seq),
      el('td', {}, String(a.inbox)),
    );
    if (a.moved) tr.classList.add('moved');
    return tr;
  });
  byId('actors').replaceChildren(head, ...rows);
}

function contextText(context: unknown): string {
  try {
    return JSON.stringify(context, null, 1) ?? '';
  } catch {
    return '(not shown: the context is not plain data)';
  }
}
