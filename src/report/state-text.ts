/** Short readable renderings of XState values and seq numbers for timelines and ladders. */
import type { AnyMachineSnapshot } from 'xstate';

/** `{ fault: { locked: 'checking' }, callback: 'idle' }` → `fault.locked.checking|callback.idle`. */
export function stateText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        const inner = stateText(v);
        return inner ? `${k}.${inner}` : k;
      })
      .join('|');
  }
  return '';
}

/** The seq numbers an actor carries (the notifier core's global seq, a subscription's seq). */
export function seqText(snapshot: AnyMachineSnapshot): string {
  const ctx = snapshot.context as Record<string, unknown> | undefined;
  if (!ctx) return '';
  const parts: string[] = [];
  if (typeof ctx.seq === 'number') parts.push(`seq=${ctx.seq}`);
  if (typeof ctx.active === 'number') parts.push(`active=${ctx.active}`);
  return parts.join(' ');
}

/** An event as `type {field: value, ...}` without the routing fields. */
export function eventText(event: { type: string; [k: string]: unknown }, max = 90): string {
  const fields = Object.entries(event)
    .filter(([k]) => k !== 'type' && k !== 'replyTo')
    .map(([k, v]) => `${k}: ${short(v)}`);
  const text = fields.length ? `${event.type} {${fields.join(', ')}}` : event.type;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function short(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 4096 ? `0x${v.toString(16)}` : String(v);
  if (typeof v === 'string') return v;
  const s = JSON.stringify(v);
  return s && s.length > 40 ? `${s.slice(0, 39)}…` : String(s);
}
