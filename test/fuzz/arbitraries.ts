/**
 * Random scenarios for the fuzz properties (test/reliability/properties.test.ts,
 * test/explorer/reduction-property.test.ts) and campaigns (campaign.ts): valid by construction
 * (aligned mappings, populated words inside them, ops on their pages), small enough to check in
 * well under a second, and a mutation of such a text that may break any rule (for "bad input
 * never crashes"). `bugScenario` adds what makes a violation likely: planted bugs, drivers of
 * the corpus, device jobs and the OOM reaper.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DRIVER_BUGS, PROFILE_NAMES } from '../../machines/drivers/driver-types.ts';

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

/** A scenario's first lines: its name and its one process, with `pages` pages mapped and populated. */
const opening = (pages: number) => [
  'name: fuzz',
  'processes:',
  '  p1:',
  `    vmas: [{ addr: ${hex(BASE)}, length: ${hex(pages * PAGE)}, prot: rw, type: private-anon }]`,
  `    populate: [{ addr: ${hex(BASE)}, value: 7, count: ${pages} }]`,
];

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
          ...opening(pages),
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

/** The driver corpus (examples/drivers/corpus): an absolute folder, for `--allow-driver`. */
export const CORPUS = fileURLToPath(new URL('../../examples/drivers/corpus/', import.meta.url));
const corpusDrivers = (kind: 'buggy' | 'correct') =>
  readdirSync(`${CORPUS}${kind}`)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => `${CORPUS}${kind}/${f}`);

/** A device job on page `p`: the device reads or writes it, then signals the thread's fence. */
const job = (pages: number) =>
  fc
    .tuple(fc.nat(pages - 1), fc.boolean())
    .map(
      ([p, w]) =>
        `{ job: { device: gpu0, fence: $fence, accesses: [{ addr: ${hex(BASE + p * PAGE)}, write: ${w} }] } }`,
    );
/** A userptr submission of page `p` (the userptr profiles' path; the others do not handle it). */
const submit = (pages: number) =>
  fc
    .nat(pages - 1)
    .map(
      (p) =>
        `{ submit: { device: gpu0, fence: $fence, addr: ${hex(BASE + p * PAGE)}, length: 0x1000, accesses: [{ addr: ${hex(BASE + p * PAGE)}, write: true }] } }`,
    );
/** What else a process thread may do: the OOM reaper, reclaim of a page. */
const kernelOp = (pages: number) =>
  fc.oneof(
    fc.constant('{ oomReap: {} }'),
    fc.nat(pages - 1).map((p) => `{ reclaim: { addr: ${hex(BASE + p * PAGE)} } }`),
  );
/** A process thread of 1..maxOps ops. */
const processThread = (pages: number, maxOps: number) =>
  fc
    .array(fc.oneof({ weight: 4, arbitrary: op(pages) }, kernelOp(pages)), { minLength: 1, maxLength: maxOps })
    .map((ops) => ({ process: true, ops }));
/** A device thread: one job or userptr submission, on its own fence. */
const deviceThread = (pages: number) => fc.oneof(job(pages), submit(pages)).map((o) => ({ process: false, ops: [o] }));

/** Which driver a device runs: a built-in profile, maybe with one planted bug, or a corpus module. */
const driverSlot = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...PROFILES).map((driver) => ({ driver, bugs: [] as string[] })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...PROFILES), fc.constantFrom(...DRIVER_BUGS))
      .map(([driver, bug]) => ({ driver, bugs: [bug] })),
  },
  { weight: 3, arbitrary: fc.constantFrom(...corpusDrivers('buggy')).map((driver) => ({ driver, bugs: [] })) },
  { weight: 1, arbitrary: fc.constantFrom(...corpusDrivers('correct')).map((driver) => ({ driver, bugs: [] })) },
);

/** A scenario of `bugScenario`: its text and the driver it runs (a profile or a module's path). */
export interface BugScenario {
  driver: string;
  text: string;
}

/**
 * A valid scenario where something is likely to go wrong, and that still has interleavings:
 * one process and one device whose driver is a built-in profile (half the time; with a planted
 * bug 3 times in 4), a buggy module of the driver corpus (3 times in 8) or a correct one, behind
 * any lock kind; 2 threads of
 * up to 2 ops or 3 of one op: process threads (the ops of `scenarioWith`, the OOM reaper,
 * reclaim) and, 3 times in 5, one device thread (a job or a userptr submission). Corpus modules
 * are named by absolute path: check them with `allowDrivers: [CORPUS]` (`--allow-driver`).
 */
export const bugScenario: fc.Arbitrary<BugScenario> = fc
  .record({
    slot: driverSlot,
    pages: fc.integer({ min: 1, max: 2 }),
    lock: fc.constantFrom('mutex', 'mutex', 'spinlock', 'rwsem'),
    threads: fc.integer({ min: 2, max: 3 }),
    device: fc.constantFrom(true, true, true, false, false),
  })
  .chain(({ slot, pages, lock, threads, device }) => {
    const n = threads - (device ? 1 : 0);
    return fc
      .tuple(
        device ? deviceThread(pages).map((t) => [t]) : fc.constant([]),
        fc.array(processThread(pages, threads === 2 ? 2 : 1), { minLength: n, maxLength: n }),
      )
      .map(([d, p]) => ({ slot, pages, lock, threads: [...d, ...p] }));
  })
  .map(({ slot, pages, lock, threads }) => {
    const fences = threads.flatMap((t, k) => (t.process ? [] : [`f${k}`]));
    const bugs = slot.bugs.length ? `, bugs: [${slot.bugs.join(', ')}]` : '';
    return {
      driver: slot.driver,
      text: [
        ...opening(pages),
        'devices:',
        `  gpu0: { driver: ${JSON.stringify(slot.driver)}, process: p1, lock: ${lock}${bugs} }`,
        ...(fences.length ? ['fences:', ...fences.map((f) => `  ${f}: {}`)] : []),
        'threads:',
        ...threads.flatMap((t, k) => [
          `  t${k}:`,
          ...(t.process ? ['    process: p1'] : []),
          `    ops: [${t.ops.join(', ').replace('$fence', `f${k}`)}]`,
        ]),
        '',
      ].join('\n'),
    };
  });

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/**
 * A scenario whose threads include replicas, for the symmetry property
 * (test/explorer/symmetry-property.test.ts): one device with a built-in profile (with a planted bug
 * 3 times in 4) behind any lock kind, 2 or 3 replicas `t${i}` of one process thread (up to 2 ops
 * for 2 replicas, 1 for 3), and, half the time, one more thread: a device job or a process thread.
 */
export const replicaScenario: fc.Arbitrary<BugScenario> = fc
  .record({
    slot: fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...PROFILES).map((driver) => ({ driver, bugs: [] as string[] })) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom(...PROFILES), fc.constantFrom(...DRIVER_BUGS))
          .map(([driver, bug]) => ({ driver, bugs: [bug] })),
      },
    ),
    pages: fc.integer({ min: 1, max: 2 }),
    lock: fc.constantFrom('mutex', 'mutex', 'spinlock', 'rwsem'),
    replicas: fc.integer({ min: 2, max: 3 }),
  })
  .chain((r) =>
    fc
      .tuple(
        processThread(r.pages, r.replicas === 2 ? 2 : 1),
        fc.option(fc.oneof(deviceThread(r.pages), processThread(r.pages, 1)), { nil: null }),
      )
      .map(([replica, other]) => ({ ...r, replica, other })),
  )
  .map(({ slot, pages, lock, replicas, replica, other }) => {
    const bugs = slot.bugs.length ? `, bugs: [${slot.bugs.join(', ')}]` : '';
    const otherLines = other
      ? [
          '  other:',
          ...(other.process ? ['    process: p1'] : []),
          `    ops: [${other.ops.join(', ').replace('$fence', 'job')}]`,
        ]
      : [];
    return {
      driver: slot.driver,
      text: [
        ...opening(pages),
        'devices:',
        `  gpu0: { driver: ${slot.driver}, process: p1, lock: ${lock}${bugs} }`,
        ...(other && !other.process ? ['fences:', '  job: {}'] : []),
        'threads:',
        `  t$${'{i}'}:`, // the replica placeholder, written without a template-literal look-alike
        `    replicas: ${replicas}`,
        '    process: p1',
        `    ops: [${replica.ops.join(', ')}]`,
        ...otherLines,
        '',
      ].join('\n'),
    };
  });
