/**
 * A step in words, as the ladder writes it: the receiving actor, the message (its event and
 * fields) and its sender, with the sender's thread of control when that is not the sender itself
 * (a driver's two threads sending the same lock an acquire are two different steps).
 */
import type { SemanticStep } from 'mirrorlab/browser';
import { eventText } from '../../report/state-text.ts';

export interface StepWords {
  actor: string;
  event: string;
  /** `from core:p1`, `from drv:gpu0 in thread:cpu`, `timer`, `choice <label>`. */
  source: string;
}

export function stepWords(s: SemanticStep): StepWords {
  const event = eventText(s.event as { type: string }, 160);
  if (s.kind === 'timer') return { actor: s.actor, event, source: 'timer fires' };
  if (s.kind === 'choose') return { actor: s.actor, event, source: s.label ? `chooses (${s.label})` : 'chooses' };
  const thread = s.thread && s.thread !== s.from ? ` in ${s.thread}` : '';
  return { actor: s.actor, event, source: `from ${s.from ?? '?'}${thread}` };
}

/** One line: `sub:gpu0 ← sub.invalidate {…} from core:p1`. */
export function stepLine(s: SemanticStep): string {
  const w = stepWords(s);
  return `${w.actor} ← ${w.event} ${w.source}`;
}
