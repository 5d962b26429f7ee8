import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { MM_REQUEST_TYPES } from '../../../machines/mm/events.ts';
import { mmMachine } from '../../../machines/mm/mm.machine.ts';
import { MachineHarness } from '../../../src/testing/index.ts';
import { CORE, MM, PAGE } from './mm-test-kit.ts';

const A = 0x200000;
const req = { replyTo: 'thread:t1', tid: 't1' };
const EVENTS = [
  { type: 'mm.mmap', ...req, addr: A, length: PAGE, read: true, write: true, shared: false, backing: 'anon' },
  { type: 'mm.read', ...req, addr: A },
  { type: 'mm.write', ...req, addr: A, value: 1 },
  { type: 'mm.munmap', ...req, addr: A, length: PAGE },
  { type: 'mm.exit', ...req },
  { type: 'mm.get', ...req },
  { type: 'core.startDone', tid: 't1', result: 0 },
  { type: 'core.endDone', tid: 't1' },
] as EventObject[];

const stateKey = (s: AnyMachineSnapshot) => JSON.stringify(s.value);

function reachable(input: Record<string, unknown>, events: EventObject[]) {
  return getShortestPaths(mmMachine, {
    input: { id: MM, core: CORE, ...input } as never,
    events: events as never,
    serializeState: (s) => stateKey(s as AnyMachineSnapshot),
  });
}

describe('mm state graph (xstate/graph)', () => {
  it('should reach alive.idle, both busy states and exited with a small event set', () => {
    const keys = reachable({}, EVENTS).map((p) => stateKey(p.state as AnyMachineSnapshot));
    expect(new Set(keys)).toEqual(
      new Set([
        JSON.stringify({ alive: 'idle' }),
        JSON.stringify({ alive: { busy: 'starting' } }),
        JSON.stringify({ alive: { busy: 'ending' } }),
        JSON.stringify('exited'),
      ]),
    );
  });

  it('should reach unborn and then alive for a fork child', () => {
    const forked = { type: 'mm.forked', parent: 'mm:p0', image: { vmas: [], files: {}, entries: [] } };
    const keys = reachable({ child: true }, [...EVENTS, forked]).map((p) => stateKey(p.state as AnyMachineSnapshot));
    expect(keys).toEqual(expect.arrayContaining([JSON.stringify('unborn'), JSON.stringify({ alive: 'idle' })]));
  });

  it('should replay every shortest path through the pure step to the same state', () => {
    for (const path of reachable({}, EVENTS)) {
      const h = new MachineHarness(mmMachine, { id: MM, core: CORE });
      for (const step of path.steps.slice(1)) h.send(step.event);
      expect(stateKey(h.snapshot)).toBe(stateKey(path.state as AnyMachineSnapshot));
    }
  });

  it('should handle or defer every protocol event each state can legitimately receive', () => {
    const lockless = ['mm.get', 'mm.put', 'mm.grab', 'mm.drop', 'mm.unpin'];
    const expected: Record<string, string[]> = {
      [JSON.stringify('unborn')]: [...MM_REQUEST_TYPES, ...lockless, 'mm.forked'],
      [JSON.stringify({ alive: 'idle' })]: [...MM_REQUEST_TYPES, ...lockless],
      [JSON.stringify({ alive: { busy: 'starting' } })]: [...MM_REQUEST_TYPES, ...lockless, 'core.startDone'],
      [JSON.stringify({ alive: { busy: 'ending' } })]: [...MM_REQUEST_TYPES, ...lockless, 'core.endDone'],
      [JSON.stringify('exited')]: [...MM_REQUEST_TYPES, ...lockless],
    };
    const forked = { type: 'mm.forked', parent: 'mm:p0', image: { vmas: [], files: {}, entries: [] } };
    const paths = [...reachable({}, EVENTS), ...reachable({ child: true }, [...EVENTS, forked])];
    const seen = new Set<string>();
    for (const path of paths) {
      const snap = path.state as AnyMachineSnapshot;
      const key = stateKey(snap);
      seen.add(key);
      const deferred = Object.values(snap.getMeta() as Record<string, { defer?: string[] }>).flatMap(
        (m) => m.defer ?? [],
      );
      for (const type of expected[key]) {
        const handled = snap.can({ type, ...req, pfns: [], tid: 't1', result: 0 } as never);
        expect(handled || deferred.includes(type), `${key} must handle or defer ${type}`).toBe(true);
      }
    }
    expect(seen.size).toBe(Object.keys(expected).length);
  });
});
