/**
 * Random scenarios for the fuzz properties (test/reliability/properties.test.ts) and campaigns
 * (campaign.ts): valid by construction (aligned mappings, populated words inside them, ops on
 * their pages), small enough to check in well under a second, and a mutation of such a text
 * that may break any rule (for "bad input never crashes").
 */
import fc from 'fast-check';
import { PROFILE_NAMES } from '../../machines/drivers/driver-types.ts';

/** Every built-in driver profile. */
export const PROFILES = PROFILE_NAMES;

const PAGE = 0x1000;
const BASE = 0x10000;

/** One op of a thread on page `p` (0..pages-1) of the mapping. */
const op = (pages: number) =>
  fc.oneof(
    fc.nat(pages - 1).map((p) => `{ read: { addr: ${hex(BASE + p * PAGE)} } }`),
    fc
      .tuple(fc.nat(pages - 1), fc.nat(99))
      .map(([p, v]) => `{ write: { addr: ${hex(BASE + p * PAGE)}, value: ${v} } }`),
    fc.nat(pages - 1).map((p) => `{ munmap: { addr: ${hex(BASE + p * PAGE)}, length: 0x1000 } }`),
    fc
      .tuple(fc.nat(pages - 1), fc.constantFrom('none', 'r', 'rw'))
      .map(([p, prot]) => `{ mprotect: { addr: ${hex(BASE + p * PAGE)}, length: 0x1000, prot: ${prot} } }`),
    fc
      .tuple(fc.nat(pages - 1), fc.constantFrom('DONTNEED', 'FREE'))
      .map(([p, a]) => `{ madvise: { addr: ${hex(BASE + p * PAGE)}, length: 0x1000, advice: ${a} } }`),
    fc
      .tuple(fc.nat(pages - 1), fc.boolean())
      .map(([p, w]) => `{ fault: { device: gpu0, addr: ${hex(BASE + p * PAGE)}, write: ${w} } }`),
  );

export interface FuzzScenario {
  profile: (typeof PROFILES)[number];
  text: string;
}

/**
 * A valid scenario: one process, one device with a built-in profile, 1-3 threads of 1-2 ops.
 * `locks`: the driver lock kinds to draw from (a profile that sleeps under its lock breaks
 * sleep-in-atomic with a spinlock, by design: the correct configuration is a mutex).
 */
export function scenarioWith(locks: readonly string[]): fc.Arbitrary<FuzzScenario> {
  return fc
    .record({
      profile: fc.constantFrom(...PROFILES),
      pages: fc.integer({ min: 1, max: 3 }),
      lock: fc.constantFrom(...locks),
    })
    .chain(({ profile, pages, lock }) =>
      fc.array(fc.array(op(pages), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }).map((threads) => ({
        profile,
        text: [
          'name: fuzz',
          'processes:',
          '  p1:',
          `    vmas: [{ addr: ${hex(BASE)}, length: ${hex(pages * PAGE)}, prot: rw, type: private-anon }]`,
          `    populate: [{ addr: ${hex(BASE)}, value: 7, count: ${pages} }]`,
          'devices:',
          `  gpu0: { driver: ${profile}, process: p1, lock: ${lock} }`,
          'threads:',
          ...threads.flatMap((ops, k) => [`  t${k}:`, '    process: p1', `    ops: [${ops.join(', ')}]`]),
          'expect:',
          '  violations: []',
          '',
        ].join('\n'),
      })),
    );
}

/** Any valid scenario, every lock kind. */
export const validScenario = scenarioWith(['mutex', 'spinlock', 'rwsem']);
/** A scenario every built-in profile must pass: its driver as designed (a mutex). */
export const correctScenario = scenarioWith(['mutex']);

/** A valid scenario with a few characters replaced, deleted or doubled: any rule may break. */
export const mutatedScenario: fc.Arbitrary<string> = validScenario.chain(({ text }) =>
  fc
    .array(
      fc.record({
        at: fc.nat(text.length - 1),
        kind: fc.constantFrom('replace', 'delete', 'insert'),
        char: fc.constantFrom('0', '9', 'x', '-', ':', '[', ']', '{', '}', ' ', '\n', 'a', '$', '*', '&', '\t'),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) => {
      let s = text;
      for (const e of edits) {
        const at = Math.min(e.at, s.length);
        s =
          e.kind === 'delete'
            ? s.slice(0, at) + s.slice(at + 1)
            : e.kind === 'insert'
              ? s.slice(0, at) + e.char + s.slice(at)
              : s.slice(0, at) + e.char + s.slice(at + 1);
      }
      return s;
    }),
);

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
