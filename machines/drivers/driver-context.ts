/**
 * The driver's initial context from its input, with the checks a scenario author needs
 * when a driver is mis-declared (misuse throws with the bad value and the fix).
 */
import { retryBound } from '../retry-bound.ts';
import { PAGE_SIZE } from './device-pages.ts';
import {
  DRIVER_BUGS,
  type DriverBug,
  type DriverContext,
  type DriverInput,
  type DriverProfileName,
  PROFILE_NAMES,
} from './driver-types.ts';

export function initialDriverContext(input: DriverInput, profile: DriverProfileName): DriverContext {
  if (!PROFILE_NAMES.includes(profile)) {
    throw new Error(`unknown driver profile '${profile}': use one of ${PROFILE_NAMES.join(', ')}`);
  }
  // 'custom': a module that re-exports this built-in; it runs as the profile it is.
  if (input.profile !== undefined && input.profile !== 'custom' && input.profile !== profile) {
    throw new Error(`driver '${input.id}' was given profile '${input.profile}' but this machine is '${profile}'`);
  }
  for (const key of ['id', 'sub', 'lock', 'mm', 'dev'] as const) {
    if (typeof input[key] !== 'string' || input[key] === '') {
      throw new Error(`driver input '${key}' must be an actor id string, got ${JSON.stringify(input[key])}`);
    }
  }
  const bugs = [...new Set(input.bugs ?? [])].sort();
  for (const bug of bugs) {
    if (!(DRIVER_BUGS as readonly string[]).includes(bug)) {
      throw new Error(`unknown driver bug '${bug}': use one of ${DRIVER_BUGS.join(', ')}`);
    }
  }
  const maxRetries = retryBound(input.maxRetries, 'driver input');
  const submitLockMode = input.submitLockMode ?? 'write';
  if (submitLockMode !== 'write' && submitLockMode !== 'read') {
    throw new Error(`driver input 'submitLockMode' must be 'write' or 'read', got ${JSON.stringify(submitLockMode)}`);
  }
  const intr = input.submitLockIntr;
  if (intr !== undefined && intr !== 'interruptible' && intr !== 'killable') {
    throw new Error(`driver input 'submitLockIntr' must be 'interruptible' or 'killable', got ${JSON.stringify(intr)}`);
  }
  const pageSize = input.pageSize ?? PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize <= 0) {
    throw new Error(`driver input 'pageSize' must be a positive integer, got ${JSON.stringify(pageSize)}`);
  }
  return {
    id: input.id,
    profile,
    sub: input.sub,
    lock: input.lock,
    mm: input.mm,
    dev: input.dev,
    pgmapOwner: input.pgmapOwner ?? input.id,
    maxRetries,
    bugs: bugs as DriverBug[],
    pin: input.pin ?? true,
    submitLockMode,
    ...(intr ? { submitLockIntr: intr } : {}),
    pageSize,
    request: null,
    callbacks: [],
    lockWaiters: [],
    published: [],
    pinned: [],
    submitted: [],
    signalling: [],
  };
}

export function hasBug(context: DriverContext, bug: DriverBug): boolean {
  return context.bugs.includes(bug);
}

/** Registration cache that really pins (the correct hfi1-like driver). */
export function cachePinsPages(context: DriverContext): boolean {
  return context.profile === 'registration-cache' && context.pin && !hasBug(context, 'no-pin');
}

export function isUserptrProfile(context: DriverContext): boolean {
  return context.profile === 'userptr-fence-under-lock' || context.profile === 'userptr-fence-after-unlock';
}
