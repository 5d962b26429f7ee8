import { describe, expect, it } from 'vitest';
import { driverProfiles, profileNames } from '../../../machines/drivers/index.ts';
import {
  DEV,
  DRV,
  driver,
  fault,
  granted,
  invalidate,
  LOCK,
  MM,
  rangeResult,
  readBegin,
  SUB,
  T2,
} from './driver-harness.ts';

describe('driver profile registry', () => {
  it('should list the five built-in profiles, each with its machine', () => {
    expect([...profileNames]).toEqual([
      'shadow-pte',
      'registration-cache',
      'userptr-fence-under-lock',
      'userptr-fence-after-unlock',
      'svm',
    ]);
    expect(Object.keys(driverProfiles).sort()).toEqual([...profileNames].sort());
    expect(driverProfiles.svm.id).toBe('driver-svm');
  });

  it('should start idle in every region with the documented defaults', () => {
    const h = driver('shadow-pte');
    expect(h.matches({ fault: 'idle', callback: 'idle', jobs: 'watching' } as never)).toBe(true);
    expect(h.context).toEqual({
      id: DRV,
      profile: 'shadow-pte',
      sub: SUB,
      lock: LOCK,
      mm: MM,
      dev: DEV,
      pgmapOwner: DRV,
      maxRetries: 8,
      bugs: [],
      pin: true,
      submitLockMode: 'write',
      pageSize: 4096,
      request: null,
      callbacks: [],
      lockWaiters: [],
      published: [],
      pinned: [],
      submitted: [],
      signalling: [],
    });
  });

  it('should keep a JSON-canonical context mid-run (no undefined, equal after a round trip)', () => {
    const h = driver('shadow-pte', { bugs: ['missing-set-seq', 'retry-outside-lock'] });
    h.send(fault());
    h.send(readBegin(3));
    h.send(rangeResult());
    h.send(invalidate());
    h.send(granted(T2));
    expect(JSON.parse(JSON.stringify(h.context))).toEqual(h.context);
    expect(JSON.stringify(h.context)).not.toContain('undefined');
    expect(h.context.bugs).toEqual(['missing-set-seq', 'retry-outside-lock']);
  });

  it('should refuse misdeclared inputs with the bad value and the fix', () => {
    expect(() => driver('svm', { profile: 'shadow-pte' })).toThrow(/given profile 'shadow-pte'.*'svm'/);
    // A module that re-exports a built-in runs as 'custom': that is the profile it is.
    expect(driver('svm', { profile: 'custom' }).context.profile).toBe('svm');
    expect(() => driver('svm', { sub: undefined })).toThrow(/'sub' must be an actor id/);
    expect(() => driver('svm', { maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => driver('svm', { maxRetries: 'forever' })).toThrow(
      /'maxRetries' must be a non-negative integer or 'unbounded', got "forever"/,
    );
    expect(driver('svm', { maxRetries: 'unbounded' }).context.maxRetries).toBe('unbounded');
    expect(() => driver('svm', { submitLockMode: 'shared' })).toThrow(/submitLockMode/);
  });
});
