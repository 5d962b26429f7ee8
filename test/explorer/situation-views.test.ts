/**
 * The monitor plan remembers "judged before" by what a monitor says it reads of each actor
 * (src/explorer/search/situation-views.ts): the fields it names and the messages on their way of
 * the types it names. Whether those claims are true is the checking mode's business
 * (monitor-audit.test.ts); here, that a view tells apart exactly what it keeps, and that a
 * monitor naming less runs less, with the same verdicts.
 */
import { describe, expect, it } from 'vitest';
import { worldFor } from '../../src/check/world-for.ts';
import { forEachState } from '../../src/explorer/reduction/commutation-audit.ts';
import { joinSpecs, SituationViews } from '../../src/explorer/search/situation-views.ts';
import { exhaustiveSearch } from '../../src/explorer/strategies/exhaustive.ts';
import { defaultMonitors } from '../../src/monitors/index.ts';
import type { Monitor } from '../../src/monitors/monitor.ts';

const SEQ_RETRY = 'scenarios/bench/seq-retry.yaml';

describe('situation views', () => {
  it('should give equal ids to situations equal in what the view keeps, and only to those', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 1, rounds: 2 });
    const sub = world.indexOf('sub:gpu0');
    const locals = new Set<number>();
    forEachState(world, (s) => void locals.add(s.vec[sub]), 5_000);
    const views = new SituationViews(world);
    const kept = (fields: string[] | null, types: string[] | null) => {
      // null: the view keeps everything, and the local id is its own view.
      const view = views.get(sub, { fields, types: types && new Set(types) });
      const byView = new Map<number, Set<string>>();
      for (const l of locals) {
        const local = world.local(sub, l);
        const context = world.snapshotById(sub, local.snap).context as Record<string, unknown>;
        const inbox = local.inbox.filter((m) => types === null || types.includes(world.message(m).event.type));
        const seen = JSON.stringify([fields ? fields.map((f) => context[f]) : local.snap, inbox]);
        const id = view === null ? l : view.of(l);
        byView.set(id, (byView.get(id) ?? new Set()).add(seen));
      }
      // One view id per distinct kept situation: never two situations under one id…
      for (const seen of byView.values()) expect(seen.size).toBe(1);
      // … and never one situation under two ids.
      const all = [...byView.values()].map((s) => [...s][0]);
      expect(new Set(all).size).toBe(all.length);
      return byView.size;
    };
    const whole = kept(null, null);
    expect(locals.size).toBeGreaterThan(20);
    expect(kept(null, [])).toBeLessThan(whole);
    expect(kept(['seq'], [])).toBeLessThan(kept(null, []));
    expect(kept(['seq'], ['sub.readBegin'])).toBeGreaterThan(kept(['seq'], []));
    expect(views.get(sub, { fields: null, types: null })).toBeNull();
  });

  it('should join specs to what each of them keeps', () => {
    const types = (...t: string[]) => new Set(t);
    expect(
      joinSpecs([
        { fields: ['b'], types: types('x') },
        { fields: ['a'], types: types('y') },
      ]),
    ).toEqual({
      fields: ['a', 'b'],
      types: types('x', 'y'),
    });
    expect(
      joinSpecs([
        { fields: ['a'], types: null },
        { fields: null, types: types('y') },
      ]),
    ).toEqual({
      fields: null,
      types: null,
    });
  });

  it('should run a monitor that names what it reads no more often than one that reads everything, with the same verdicts', async () => {
    const { world } = await worldFor(SEQ_RETRY, undefined, { ndrv: 2, rounds: 1 });
    // A lock: no reply to it is taken at once, so every variant searches the same states.
    const lock = world.indexOf('lock:gpu0');
    const counting = (spec: Partial<Monitor>) => {
      let calls = 0;
      const m: Monitor = {
        name: 'two-holders',
        interest: (_w, record) => (record.actor.startsWith('drv:') ? 'global' : 'skip'),
        reads: () => [lock],
        ...spec,
        onStep: (ctx, _record, before) => {
          calls++;
          const holders = (ctx.world.snapshot(before, lock).context as { holders: unknown[] }).holders;
          return holders.length > 1 ? { kind: 'two-holders', message: `${holders.length} hold it` } : null;
        },
      };
      const r = exhaustiveSearch(world, 'bfs', { monitors: [...defaultMonitors(), m] });
      return { calls, kinds: r.violations.map((v) => v.kind), states: r.stats.states };
    };
    const whole = counting({});
    const noMessages = counting({ inFlight: [] });
    const holdersOnly = counting({ inFlight: [], fieldsRead: () => ['holders'] });
    expect(noMessages.calls).toBeLessThan(whole.calls);
    expect(holdersOnly.calls).toBeLessThan(noMessages.calls);
    expect([noMessages.kinds, holdersOnly.kinds]).toEqual([whole.kinds, whole.kinds]);
    expect([noMessages.states, holdersOnly.states]).toEqual([whole.states, whole.states]);
  });
});
