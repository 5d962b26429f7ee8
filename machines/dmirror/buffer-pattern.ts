/**
 * Buffer patterns: the data the HMM selftests write and check ("value i", "−i", "i + c", "0",
 * a byte per page), as a short list of segments over a flat array of words, so a scenario can
 * state 4096 expected words in one line and a mismatch can say which word differs.
 *
 * A segment covers `count` elements (all the rest when omitted). Element g (its index in the
 * whole array) is `const` when given, else `scale * g + add` (scale 1, add 0 by default).
 */

/**
 * One run of words in a {@link BufferPattern}.
 *
 * @example
 * ```ts
 * import type { PatternSegment } from 'mirrorlab';
 *
 * const segment: PatternSegment = { count: 4, scale: 2, add: 1 }; // 1, 3, 5, 7
 * ```
 */
export interface PatternSegment {
  count?: number;
  const?: number;
  scale?: number;
  add?: number;
}

/**
 * The words of a caller buffer, as segments one after another: what a thread's `fill` writes and
 * what `expect.data` / `expect.buffer` match.
 *
 * @example
 * ```ts
 * import type { BufferPattern } from 'mirrorlab';
 *
 * // Four zeros, then the rest counting up from their index.
 * const pattern: BufferPattern = [{ count: 4, const: 0 }, {}];
 * ```
 */
export type BufferPattern = PatternSegment[];

/** Accepts one segment or a list; throws (with the fix) on a malformed pattern. */
export function parsePattern(raw: unknown): BufferPattern {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((seg, k) => {
    if (!seg || typeof seg !== 'object') throw new Error(`pattern segment ${k} must be a map like { add: 8 }`);
    const out: PatternSegment = {};
    for (const [key, v] of Object.entries(seg as Record<string, unknown>)) {
      if (!['count', 'const', 'scale', 'add'].includes(key))
        throw new Error(`pattern segment ${k}: unknown key '${key}' (use count, const, scale, add)`);
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new Error(`pattern segment ${k}: '${key}' must be a number`);
      out[key as keyof PatternSegment] = v;
    }
    if (k < list.length - 1 && out.count === undefined)
      throw new Error(`pattern segment ${k}: only the last segment may leave out 'count'`);
    return out;
  });
}

function valueAt(seg: PatternSegment, g: number): number {
  return seg.const ?? (seg.scale ?? 1) * g + (seg.add ?? 0);
}

/** The `length` values a pattern stands for (a WRITE buffer built from a pattern). */
export function patternValues(p: BufferPattern, length: number): number[] {
  const out: number[] = [];
  let g = 0;
  for (const seg of p) {
    const n = seg.count ?? length - g;
    for (let k = 0; k < n && g < length; k++, g++) out.push(valueAt(seg, g));
  }
  return out;
}

/** The first place `got` differs from the pattern, or null when it matches everywhere. */
export function firstDifference(
  p: BufferPattern,
  got: unknown,
): { at: number; expected: number | string; got: unknown } | null {
  if (!Array.isArray(got)) return { at: 0, expected: 'an array of words', got: got === undefined ? null : got };
  const fixed = p.every((s) => s.count !== undefined);
  const minimum = p.reduce((n, s) => n + (s.count ?? 0), 0);
  if ((fixed && got.length !== minimum) || got.length < minimum)
    return { at: Math.min(got.length, minimum), expected: `${minimum} words`, got: `${got.length} words` };
  let g = 0;
  for (const seg of p) {
    const n = seg.count ?? got.length - g;
    for (let k = 0; k < n; k++, g++)
      if (got[g] !== valueAt(seg, g)) return { at: g, expected: valueAt(seg, g), got: got[g] };
  }
  return null;
}
