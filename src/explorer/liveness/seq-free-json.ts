/**
 * JSON text of a value with its notifier sequence numbers taken out (shift-keys.ts): exactly
 * what `JSON.stringify(value, replacer)` gives when the replacer turns a number held in a field
 * of `SEQ_FIELDS` into `'#'` and collects it, written by hand because calling a replacer for
 * every key was most of the liveness graph's time.
 *
 * The hand-written path knows plain data only: plain objects and arrays, strings, numbers,
 * booleans and null, with `undefined`, functions and symbols left out of objects and written as
 * null in arrays, as JSON.stringify does. Anything else (a `toJSON`, a class instance, a
 * bigint, a cycle or a very deep value) sends the whole value to the replacer version, so the
 * text and the numbers collected are the same whatever the value.
 */

/** The fields that hold notifier sequence numbers (docs/protocol.md). */
export const SEQ_FIELDS = new Set(['seq', 'curSeq', 'globalSeq', 'epochSeq', 'subSeq', 'waitSeq']);

/** Past this depth the value may be a cycle: the replacer version says so (or copes). */
const MAX_DEPTH = 400;

/** Writes `value` as JSON with sequence numbers replaced by `#`, collecting them into `seqs`. */
export function withoutSeqs(value: unknown, seqs: number[]): string {
  const start = seqs.length;
  const text = write(value, seqs, 0);
  if (text !== null) return text;
  seqs.length = start;
  return withReplacer(value, seqs);
}

/** The reference: JSON.stringify with a replacer. */
export function withReplacer(value: unknown, seqs: number[]): string {
  return JSON.stringify(value, (key, v) => {
    if (typeof v === 'number' && SEQ_FIELDS.has(key)) {
      seqs.push(v);
      return '#';
    }
    return v;
  });
}

/** The text of `v`, or null when it is not plain data (or is left out: undefined, a function). */
function write(v: unknown, seqs: number[], depth: number): string | null {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (depth > MAX_DEPTH || typeof (v as { toJSON?: unknown }).toJSON === 'function') return null;
      if (Array.isArray(v)) return Object.getPrototypeOf(v) === Array.prototype ? array(v, seqs, depth) : null;
      {
        const proto = Object.getPrototypeOf(v);
        return proto === Object.prototype || proto === null ? object(v as Record<string, unknown>, seqs, depth) : null;
      }
    default:
      return null;
  }
}

function array(a: readonly unknown[], seqs: number[], depth: number): string | null {
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    const x = a[i];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') out += 'null';
    else {
      const t = write(x, seqs, depth + 1);
      if (t === null) return null;
      out += t;
    }
  }
  return `${out}]`;
}

function object(o: Record<string, unknown>, seqs: number[], depth: number): string | null {
  let out = '{';
  let first = true;
  for (const k of Object.keys(o)) {
    const x = o[k];
    let t: string | null;
    if (typeof x === 'number' && SEQ_FIELDS.has(k)) {
      seqs.push(x);
      t = '"#"';
    } else if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    else {
      t = write(x, seqs, depth + 1);
      if (t === null) return null;
    }
    out += first ? `${JSON.stringify(k)}:${t}` : `,${JSON.stringify(k)}:${t}`;
    first = false;
  }
  return `${out}}`;
}
