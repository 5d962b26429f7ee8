/**
 * `npm run bench:returns -- [scenario] [k=v ...]`: how many states would taking more replies in
 * the step that sends them remove, and which replies commute with everything they could meet?
 * (issue 12: coarser steps). A measurement, not a reduction the explorer runs: the explorer takes
 * threads' returns, the built-in driver's replies that machines/drivers/movers.ts names and the
 * walk's returns that machines/notifier-movers.ts names, and only those no monitor can tell apart
 * (src/explorer/reduction/returns.ts).
 *
 * Two parts, over exact states, breadth-first:
 *   1. States when every delivery of a class is taken at once after the step that makes it
 *      deliverable (then again while one is deliverable): replies to threads, then also the
 *      driver's replies, then also the kernel objects' (mm, notifier core, subscription). The
 *      visibility of those steps to the monitors is ignored: an upper bound on what taking them
 *      could remove, not a claim that it keeps the verdicts.
 *   2. Per kind of delivery (receiver kind and event type), over the whole graph: at every state
 *      where one is enabled, whether every other enabled step leaves it enabled, and the two
 *      orders reach the same channel-canonical state. A kind that always does is a left mover
 *      on this scenario (Lipton 1975): taking it at once keeps every state a monitor could judge,
 *      up to its visibility. The first pair that does not is printed.
 *
 *   npm run bench:returns -- scenarios/bench/seq-retry.yaml ndrv=2 rounds=2
 */
import { auditCommutation } from '../src/explorer/reduction/commutation-audit.ts';
import type { ControlledWorld, Step, WorldState } from '../src/runtime/controlled-world.ts';
import { worldFromArgs } from './lib/world-from-args.ts';

const { file, knobs, world } = await worldFromArgs(process.argv.slice(2));

const kindOf = (w: ControlledWorld, actor: number) => w.actors[actor].id.split(':')[0];
/** `drv:lock.granted`: the receiver's kind and the delivered event's type. */
function classOf(w: ControlledWorld, s: WorldState, step: Step): string | null {
  if (step.kind !== 'deliver') return null;
  return `${kindOf(w, step.actor)}:${w.describe(s, step).event.type}`;
}
const exactKey = (s: WorldState) => s.vec.join(',');

const REPLIES = {
  thread: /^thread:/,
  driver: /^drv:(lock\.granted|sub\.readBeginResult|hmm\.rangeResult|sub\.retryResult|dev\.zapped|mm\.result)$/,
  kernel: /^(mm:core\.(startDone|endDone)|core:sub\.callbackReturned|sub:(drv\.invalidateReturned|sub\.epochEnded))$/,
};

/** States of a breadth-first search that takes every delivery `takeNow` accepts at once. */
function statesTaking(takeNow: (cls: string) => boolean): number {
  const seen = new Set([exactKey(world.initial)]);
  let level = [world.initial];
  while (level.length) {
    const next: WorldState[] = [];
    for (const s of level)
      for (const step of world.enabled(s)) {
        let t = world.apply(s, step).state;
        for (let again = true; again; ) {
          again = false;
          for (const e of world.enabled(t)) {
            const cls = classOf(world, t, e);
            if (cls && takeNow(cls)) {
              t = world.apply(t, e).state;
              again = true;
              break;
            }
          }
        }
        const k = exactKey(t);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(t);
        }
      }
    level = next;
  }
  return seen.size;
}

interface Movers {
  pairs: number;
  failed: number;
  first?: string;
}

/** Part 2: for every delivery kind, whether it commutes with every co-enabled step. */
function moverAudit(): Map<string, Movers> {
  const out = new Map<string, Movers>();
  auditCommutation(world, {
    mover: (s, e) => classOf(world, s, e) !== null,
    pair(s, e, b, failure) {
      const cls = classOf(world, s, e)!;
      const m = out.get(cls) ?? { pairs: 0, failed: 0 };
      out.set(cls, m);
      m.pairs++;
      if (failure === null) return;
      m.failed++;
      m.first ??= `${failure} ${classOf(world, s, b) ?? b.kind} (thread ${world.describe(s, b).thread ?? '?'})`;
    },
  });
  return out;
}

console.log(`${file} ${knobs.join(' ')}`);
const exact = statesTaking(() => false);
const rows: [string, number][] = [
  ['every delivery a step (exact states)', exact],
  ['replies to threads taken at once', statesTaking((c) => REPLIES.thread.test(c))],
  ['… and the driver’s replies', statesTaking((c) => REPLIES.thread.test(c) || REPLIES.driver.test(c))],
  [
    '… and the kernel objects’ replies',
    statesTaking((c) => REPLIES.thread.test(c) || REPLIES.driver.test(c) || REPLIES.kernel.test(c)),
  ],
];
for (const [what, n] of rows)
  console.log(`${what.padEnd(40)} ${String(n).padStart(10)}  ${(((n - exact) / exact) * 100).toFixed(1)} %`);
console.log('\ndelivery kind                      co-enabled pairs  not commuting  first');
for (const [cls, m] of [...moverAudit()].sort(([a], [b]) => a.localeCompare(b)))
  console.log(`${cls.padEnd(34)} ${String(m.pairs).padStart(16)}  ${String(m.failed).padStart(13)}  ${m.first ?? ''}`);
