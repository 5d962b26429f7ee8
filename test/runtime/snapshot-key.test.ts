/**
 * The snapshot key with the mm records' text kept by identity (snapshot-key.ts) must be the
 * plain JSON.stringify([status, value, context]) byte for byte, on real mm states walked with
 * every kept record frozen (an edit in place of one would throw), and on odd contexts.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { dmirrorMachine } from '../../machines/dmirror/dmirror.machine.ts';
import { mmMachine } from '../../machines/mm/mm.machine.ts';
import { worldFor } from '../../src/check/world-for.ts';
import type { ControlledWorld, WorldState } from '../../src/runtime/controlled-world.ts';
import { freezeKeptRecords, snapshotKey } from '../../src/runtime/snapshot-key.ts';

const plain = (s: AnyMachineSnapshot) => JSON.stringify([s.status, s.value, s.context]);

/** States met on seeded random walks from the initial state (a walk restarts where it ends). */
function walk(world: ControlledWorld, steps: number, seed: number): WorldState[] {
  let x = seed;
  const states = [world.initial];
  let state = world.initial;
  for (let i = 0; i < steps; i++) {
    const enabled = world.enabled(state);
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    state = enabled.length === 0 ? world.initial : world.apply(state, enabled[(x >>> 8) % enabled.length]).state;
    states.push(state);
  }
  return states;
}

const SCENARIOS = [
  'scenarios/conformance/hmm/anon_teardown.yaml',
  'scenarios/conformance/hmm/anon_write_child.yaml',
  'scenarios/conformance/hmm/file_write.yaml',
  'scenarios/conformance/hmm/migrate_fault.yaml',
  'scenarios/seeds/fault-vs-endless-remap.yaml',
];

describe('snapshotKey', () => {
  beforeAll(() => freezeKeptRecords(true));
  afterAll(() => freezeKeptRecords(false));

  for (const file of SCENARIOS) {
    it(`should be the plain JSON of every snapshot on a random walk, nothing editing a kept record: ${file}`, async () => {
      const { world } = await worldFor(file);
      const kept = { mm: 0, dmirror: 0 };
      for (const s of walk(world, 400, 7)) {
        for (let i = 0; i < world.actors.length; i++) {
          const snap = world.snapshot(s, i);
          if (snap.machine === mmMachine) kept.mm++;
          if (snap.machine === dmirrorMachine) kept.dmirror++;
          expect(snapshotKey(snap)).toBe(plain(snap));
        }
      }
      expect(kept.mm).toBeGreaterThan(0);
      if (file.includes('/hmm/')) expect(kept.dmirror).toBeGreaterThan(0);
    });
  }

  it('should write odd mm contexts as JSON.stringify does', async () => {
    const { world } = await worldFor(SCENARIOS[0]);
    const i = world.actors.findIndex((a) => a.machine === mmMachine);
    const real = world.snapshot(world.initial, i);
    const odd = (context: unknown, value: unknown = real.value) => {
      const s = { ...real, value, context } as AnyMachineSnapshot;
      expect(snapshotKey(s)).toBe(plain(s));
    };
    odd({ ...real.context, op: undefined, f: () => 1, sym: Symbol('x'), at: new Date(0) });
    odd({ ptes: { 1: { kind: 'x' } }, pages: [1, 2], versions: null, lastGen: 3, files: undefined, swap: new Map() });
    odd({ ptes: { toJSON: () => 'p' }, other: { toJSON: (k: string) => k } });
    odd(Object.assign(Object.create(null), { '2': 1, '1': 2, swap: {} }));
    odd({ ...real.context }, undefined);
    odd(null);
    odd([1, 2]);
    odd({});
    snapshotKey(real);
    const ptes = (real.context as { ptes: Record<number, unknown> }).ptes;
    expect(() => {
      ptes[12345] = 'edited in place';
    }).toThrow(TypeError);
  });

  it("should keep the text of dmirror's device table, and nothing else of its context", async () => {
    const { world } = await worldFor(SCENARIOS[0]);
    const i = world.actors.findIndex((a) => a.machine === dmirrorMachine);
    const real = world.snapshot(world.initial, i);
    const ctx = real.context as { table: Record<number, unknown>; devmem: Record<string, unknown> };
    const s = { ...real, context: { ...ctx, table: { 1: { pfn: 2 } }, extra: [undefined] } } as AnyMachineSnapshot;
    expect(snapshotKey(s)).toBe(plain(s));
    expect(() => {
      (s.context as typeof ctx).table[3] = 'edited in place';
    }).toThrow(TypeError);
    expect(Object.isFrozen(ctx.devmem)).toBe(false);
  });
});
