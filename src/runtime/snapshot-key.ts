/**
 * The interning key of a machine snapshot: `JSON.stringify([status, value, context])`, byte for
 * byte. Writing out an mm's context was most of a random run's time: its page records hold a
 * thousand entries, and most steps change none of them. An mm transaction copies a record before
 * its first write and commits the copy (machines/mm/pages.ts), so a committed record is never
 * edited again and consecutive snapshots share the ones a step left alone: their text is kept by
 * object identity. The same holds for dmirror's device page table, which the pure functions of
 * machines/dmirror/device-table.ts copy before they change it. A machine says which of its
 * context's records are such (`meta: { keptRecords: [...] }` on its root, as the bundled mm and
 * dmirror do); any other context (user drivers included, which may edit their objects in place)
 * is written out in full every time. A record declared kept and then edited in place would keep
 * its old text: a wrong key, two states taken as one (test/runtime freezes kept records to prove
 * the bundled machines never do).
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';

/** Per machine: the context records it declares replaced, never edited, once committed (null: none). */
const KEPT = new WeakMap<AnyStateMachine, ReadonlySet<string> | null>();

function keptRecords(machine: AnyStateMachine): ReadonlySet<string> | null {
  let kept = KEPT.get(machine);
  if (kept === undefined) {
    const declared = (machine.root.meta as { keptRecords?: unknown } | undefined)?.keptRecords;
    kept = Array.isArray(declared) ? new Set(declared.filter((k): k is string => typeof k === 'string')) : null;
    KEPT.set(machine, kept);
  }
  return kept;
}

const recordText = new WeakMap<object, string>();

/** Tests set it: a kept record (and all it holds) is frozen, so an edit in place throws. */
let freezeKept = false;

/** Freeze each record whose text is kept, to prove nothing edits one afterwards (tests). */
export function freezeKeptRecords(on: boolean): void {
  freezeKept = on;
}

/** Equal local states must give equal keys: value, context and status are the whole state. */
export function snapshotKey(s: AnyMachineSnapshot): string {
  const ctx = s.context as unknown;
  const records = keptRecords(s.machine);
  if (records === null || !isPlainObject(ctx)) return JSON.stringify([s.status, s.value, ctx]);
  let out = '{';
  for (const k of Object.keys(ctx)) {
    const v = ctx[k];
    let text: string | undefined;
    if (records.has(k) && isPlainObject(v)) {
      text = recordText.get(v);
      if (text === undefined) {
        text = JSON.stringify(v);
        if (freezeKept) deepFreeze(v);
        recordText.set(v, text);
      }
    } else {
      // A toJSON would be called with the member's key, not with '' as here: write it all out.
      if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function')
        return JSON.stringify([s.status, s.value, ctx]);
      text = JSON.stringify(v);
      if (text === undefined) continue; // undefined, a function or a symbol: left out
    }
    out += out.length === 1 ? `${JSON.stringify(k)}:${text}` : `,${JSON.stringify(k)}:${text}`;
  }
  const head = JSON.stringify([s.status, s.value]);
  return `${head.slice(0, -1)},${out}}]`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}
