/**
 * The hand-written JSON of the liveness keys (seq-free-json.ts) must be the replacer version's,
 * text and collected sequence numbers alike, on odd values and on real world states; and the
 * keys ShiftKeys builds from memoized parts must be the keys of the whole situation's text.
 */
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../../src/check/world-for.ts';
import { withoutSeqs, withReplacer } from '../../../src/explorer/liveness/seq-free-json.ts';
import { ShiftKeys } from '../../../src/explorer/liveness/shift-keys.ts';
import type { ControlledWorld, WorldState } from '../../../src/runtime/controlled-world.ts';
import { loadDriverModule } from '../../../src/scenario/driver-module.ts';

function same(value: unknown): void {
  const a: number[] = [7];
  const b: number[] = [7];
  expect(withoutSeqs(value, a)).toBe(withReplacer(value, b));
  expect(a).toEqual(b);
}

class Box {
  seq = 3;
}

describe('withoutSeqs', () => {
  it('should write plain data as the replacer version does', () => {
    same({ seq: 4, curSeq: 5, other: 6, nested: { waitSeq: 9, list: [1, { subSeq: 2 }] } });
    same([{ seq: 1 }, [{ epochSeq: 2 }], 'x', true, false, null, 0, -0, 1e21, 1.5e-7]);
    same({ seq: '4', globalSeq: null, curSeq: true, waitSeq: [1, 2], subSeq: { seq: 1 } });
    same({ '2': 'b', '1': 'a', z: 1, a: 2, '\u2028k"\\': 'q\n\t"\u0000\ud800' });
    same({ a: undefined, b: () => 1, c: Symbol('s'), d: 1 });
    same([undefined, () => 1, Symbol('s'), 2]);
    same(new Array(3)); // holes
    same({ seq: Number.NaN, curSeq: Number.POSITIVE_INFINITY, x: Number.NaN, y: [Number.NEGATIVE_INFINITY] });
    same(Object.assign(Object.create(null), { seq: 1, b: 2 }));
    same({});
    same([]);
    same('top');
    same(42);
    same(null);
    same(undefined);
  });

  it('should hand values that are not plain data to the replacer version', () => {
    same({ when: new Date(0), seq: 2 });
    same({ seq: { toJSON: () => 5 }, curSeq: 1 });
    same({ box: new Box(), m: new Map([[1, 2]]), s: new Set([1]), seq: 1 });
    same({ seq: Object(4), n: Object('s'), b: Object(false) });
    same({ a: [1, 2], seq: 8, arr: Object.assign([1, 2], { toJSON: () => 'x' }) });
    let deep: unknown = { seq: 1 };
    for (let i = 0; i < 1000; i++) deep = { seq: i, d: [deep] };
    same(deep);
  });

  it('should throw where the replacer version throws, collecting nothing', () => {
    const cycle: Record<string, unknown> = { seq: 1 };
    cycle.self = cycle;
    const seqs: number[] = [];
    expect(() => withoutSeqs(cycle, seqs)).toThrow(TypeError);
    expect(() => withoutSeqs({ seq: 1, n: 1n }, seqs)).toThrow(TypeError);
  });
});

/** States met on a seeded random walk (restarting at the initial state when it ends). */
function walk(world: ControlledWorld, steps: number, seed: number): WorldState[] {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 8;
  };
  const states = [world.initial];
  let state = world.initial;
  for (let i = 0; i < steps; i++) {
    const enabled = world.enabled(state);
    state = enabled.length === 0 ? world.initial : world.apply(state, enabled[next() % enabled.length]).state;
    states.push(state);
  }
  return states;
}

/** The keys as built before the parts were memoized: the whole situation written out at once. */
class WholeTextKeys extends ShiftKeys {
  protected override situation(actor: number, local: number): { text: string; seqs: number[] } {
    const w = this.world;
    const l = w.local(actor, local);
    const state = w.stateOf(Int32Array.from(w.actors, (_, i) => (i === actor ? local : 0)));
    const snap = w.snapshot(state, actor);
    const choice = w.choiceOfLocal(actor, local);
    const seqs: number[] = [];
    const text = withReplacer(
      {
        value: snap.value,
        status: snap.status,
        context: snap.context,
        choice: choice && { ...choice, next: this.chainOf(choice.next) },
        inbox: l.inbox.map((m) => this.spelled(m)),
        timers: l.timers.map((m) => this.spelled(m)),
      },
      seqs,
    );
    return { text, seqs };
  }
}

const WORLDS = [
  ['scenarios/seeds/fault-vs-endless-remap.yaml', 'examples/drivers/unbounded-retry-driver.ts'],
  ['scenarios/seeds/fault-vs-endless-remap.yaml', 'examples/drivers/corpus/buggy/return-before-flush.ts'],
  ['scenarios/bench/seq-retry.yaml', null],
] as const;

describe('liveness keys on real states', () => {
  for (const [scenario, driver] of WORLDS) {
    it(`should match the replacer version and the whole-text keys: ${scenario} ${driver ?? ''}`, async () => {
      const machine = driver ? { machine: await loadDriverModule(driver), name: driver } : undefined;
      const { world } = await worldFor(scenario, machine);
      const states = walk(world, 600, 12345);
      const fast = new ShiftKeys(world);
      const whole = new WholeTextKeys(world);
      const a = new Int32Array(2);
      const b = new Int32Array(2);
      let seqsSeen = 0;
      for (const s of states) {
        fast.key(s.vec, a);
        whole.key(s.vec, b);
        expect([...a]).toEqual([...b]);
        for (let i = 0; i < world.actors.length; i++) {
          const snap = world.snapshot(s, i);
          const value = { value: snap.value, status: snap.status, context: snap.context, inbox: world.inbox(s, i) };
          const x: number[] = [];
          const y: number[] = [];
          expect(withoutSeqs(value, x)).toBe(withReplacer(value, y));
          expect(x).toEqual(y);
          seqsSeen += x.length;
        }
        for (const step of world.enabled(s)) same(world.describe(s, step).event);
      }
      expect(seqsSeen).toBeGreaterThan(0);
    });
  }
});
