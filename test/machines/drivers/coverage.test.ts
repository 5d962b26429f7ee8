/**
 * Model-based coverage: explore each profile with xstate/graph over a small event set (the
 * other actors' replies for one requester T1 and one invalidating thread T2) and check that
 * together they reach every state node, transient ones included (seen through microsteps),
 * and that every reachable state answers the messages that may arrive at any time.
 */

import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, type AnyStateMachine, type EventObject, getMicrosteps } from 'xstate';
import { getAdjacencyMap, getStateNodes } from 'xstate/graph';
import type { DriverContext } from '../../../machines/drivers/driver-types.ts';
import { driverProfiles, profileNames } from '../../../machines/drivers/index.ts';
import { EBUSY, EFAULT, ENOENT } from '../../../machines/errno.ts';
import { eventPolicy } from '../../../src/runtime/event-policy.ts';
import {
  addCallbackResult,
  busy,
  DEV,
  DRV,
  fault,
  fenceCallback,
  granted,
  invalidate,
  LOCK,
  MM,
  mmResult,
  PAGE,
  rangeResult,
  readBegin,
  retryResult,
  SUB,
  submit,
  T1,
  T2,
  waitResult,
  zapped,
} from './driver-harness.ts';

const EVENTS: EventObject[] = [
  fault(),
  submit(),
  readBegin(3),
  rangeResult(0),
  rangeResult(EBUSY),
  rangeResult(EFAULT),
  mmResult('get', 0),
  mmResult('get', EFAULT),
  mmResult('pin', 0, [{ addr: PAGE, pfn: 10, gen: 1 }]),
  granted(T1),
  granted(T2),
  busy(T2),
  retryResult(false),
  retryResult(true),
  addCallbackResult(0),
  addCallbackResult(ENOENT),
  fenceCallback(0),
  invalidate(),
  invalidate({ blockable: false }),
  invalidate({ event: 'MIGRATE', owner: DRV }),
  invalidate({ event: 'CLEAR' }),
  waitResult('fence:f1', T2),
  zapped(T2),
];

const VARIANTS: { profile: string; bugs: string[] }[] = [
  ...profileNames.map((profile) => ({ profile, bugs: [] })),
  { profile: 'shadow-pte', bugs: ['retry-outside-lock'] },
];

/** Every event here may arrive in any state: the job-done note of a submission, new requests. */
const ALWAYS_ANSWERED = ['dev.jobDone', 'drv.fault', 'drv.deviceFault', 'drv.submit', 'drv.invalidate'];

function explore(machine: AnyStateMachine, input: Record<string, unknown>) {
  const map = getAdjacencyMap(machine, {
    events: EVENTS as never,
    input: input as never,
    serializeState: (s) => JSON.stringify({ v: (s as AnyMachineSnapshot).value, c: (s as AnyMachineSnapshot).context }),
  });
  const snapshots = Object.values(map).map((v) => v.state as AnyMachineSnapshot);
  const visited = new Set<string>();
  for (const snapshot of snapshots) {
    for (const node of snapshot._nodes) visited.add(node.path.join('.'));
    for (const event of EVENTS) {
      for (const [step] of getMicrosteps(machine, snapshot as never, event as never)) {
        for (const node of (step as AnyMachineSnapshot)._nodes) visited.add(node.path.join('.'));
      }
    }
  }
  return { snapshots, visited };
}

describe('driver machines (model-based coverage)', () => {
  const base = { id: DRV, sub: SUB, lock: LOCK, mm: MM, dev: DEV, maxRetries: 1 };
  const results = VARIANTS.map(({ profile, bugs }) => ({
    profile,
    ...explore(driverProfiles[profile], { ...base, profile, bugs }),
  }));

  it('should reach every state node of the driver across the five profiles and the retry-outside-lock bug', () => {
    const all = getStateNodes(driverProfiles['shadow-pte']).map((n) => n.path.join('.'));
    const seen = new Set(results.flatMap((r) => [...r.visited]));
    expect(all.filter((path) => !seen.has(path))).toEqual([]);
    expect(all.length).toBeGreaterThan(20);
    // Without the bug variant, the unlocked read_retry state is never reached.
    const correctOnly = new Set(results.slice(0, 5).flatMap((r) => [...r.visited]));
    expect(all.filter((path) => !correctOnly.has(path))).toEqual(['fault.speculative.checkingUnlocked']);
  });

  it('should explore a bounded, non-trivial state space per profile', () => {
    for (const r of results) {
      expect(r.snapshots.length, r.profile).toBeGreaterThan(10);
      expect(r.snapshots.length, r.profile).toBeLessThan(20_000);
    }
  });

  it('should handle, defer or ignore the always-possible messages in every reachable state', () => {
    for (const r of results) {
      for (const snapshot of r.snapshots) {
        const missing = ALWAYS_ANSWERED.filter((t) => eventPolicy(snapshot, t) === 'unhandled');
        expect(missing, `${r.profile} ${JSON.stringify(snapshot.value)}`).toEqual([]);
      }
    }
  });

  it('should give each profile its own machine id, and reach only the states that profile uses', () => {
    const byProfile = Object.fromEntries(results.slice(0, 5).map((r) => [r.profile, r.visited]));
    const has = (profile: string, path: string) => byProfile[profile].has(path);
    expect(has('svm', 'fault.speculative.mmget')).toBe(true);
    expect(has('shadow-pte', 'fault.speculative.mmget')).toBe(false);
    expect(has('registration-cache', 'fault.speculative.pinning')).toBe(true);
    expect(has('shadow-pte', 'fault.speculative.pinning')).toBe(false);
    // Callback steps are per thread (context.callbacks), not state nodes: `step` + lock held.
    const steps = (profile: string) =>
      new Set(
        results
          .find((r) => r.profile === profile)!
          .snapshots.flatMap((snap) =>
            (snap.context as DriverContext).callbacks.map((c) => `${c.step}${c.holdsLock ? '+lock' : ''}`),
          ),
      );
    expect(steps('userptr-fence-under-lock').has('fenceWait+lock')).toBe(true);
    expect(steps('userptr-fence-under-lock').has('fenceWait')).toBe(false);
    expect(steps('userptr-fence-after-unlock').has('fenceWait')).toBe(true);
    expect(steps('userptr-fence-after-unlock').has('fenceWait+lock')).toBe(false);
    expect(steps('userptr-fence-after-unlock').has('tryLocking')).toBe(false);
    expect(steps('shadow-pte').has('tryLocking')).toBe(true);
    expect(new Set(Object.values(driverProfiles).map((m) => m.id)).size).toBe(5);
    expect(T1).not.toBe(T2);
  });
});
