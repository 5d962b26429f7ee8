/**
 * What the monitors need to know about a world's wiring, read once from the actor specs:
 * which actors are threads, locks, fences, devices, subscriptions, and which mm each device
 * mirrors (from its driver's input). Monitors import no machine: they read contexts by the
 * field names docs/protocol.md gives.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { ControlledWorld, WorldState } from '../runtime/controlled-world.ts';

export interface Topology {
  threads: number[];
  locks: number[];
  fences: number[];
  devices: number[];
  subs: number[];
  cores: number[];
  mms: number[];
  drivers: number[];
  /** dev actor id → mm actor id it mirrors. */
  deviceMm: Map<string, string>;
  /** dev actor id → its driver's profile name. */
  deviceProfile: Map<string, string>;
}

const cache = new WeakMap<ControlledWorld, Topology>();

export function topology(world: ControlledWorld): Topology {
  const known = cache.get(world);
  if (known) return known;
  const byKind = (kind: string) =>
    world.actors.map((a, i) => (a.id.startsWith(`${kind}:`) ? i : -1)).filter((i) => i >= 0);
  const deviceMm = new Map<string, string>();
  const deviceProfile = new Map<string, string>();
  for (const a of world.actors) {
    const input = a.input as { dev?: string; mm?: string; profile?: string };
    if (a.id.startsWith('drv:') && input.dev && input.mm) {
      deviceMm.set(input.dev, input.mm);
      deviceProfile.set(input.dev, input.profile ?? 'custom');
    }
  }
  const t: Topology = {
    threads: byKind('thread'),
    locks: byKind('lock'),
    fences: byKind('fence'),
    devices: byKind('dev'),
    subs: byKind('sub'),
    cores: byKind('core'),
    mms: byKind('mm'),
    drivers: byKind('drv'),
    deviceMm,
    deviceProfile,
  };
  cache.set(world, t);
  return t;
}

export function ctxOf<T = Record<string, any>>(world: ControlledWorld, state: WorldState, actor: number | string): T {
  return world.snapshot(state, actor).context as T;
}

/** The mm's memory record, wherever the machine keeps it in context. */
export function mmMemory(snapshot: AnyMachineSnapshot): {
  versions: Record<string, number>;
  pages: Record<string, { gen: number; pins: number }>;
  ptes: Record<string, { kind: string; pfn?: number }>;
} {
  const c = snapshot.context as Record<string, any>;
  return (c.memory ?? c.mem ?? c) as never;
}

/**
 * `Monitor.reads` of a monitor that judges each step by its record and the acting actor alone
 * (never `global`): no other actor, no message on its way. Said so that the search knows it.
 */
export const NO_OTHER_ACTOR = { reads: (): number[] => [], inFlight: [] as readonly string[] };

/**
 * Lock holders by tid: which locks (actor ids) each tid holds in `state`. A holder whose
 * `lock.release` is already on its way to the lock has let go (the unlock happened in its
 * own thread; the lock actor just has not processed the message yet).
 */
export function heldLocks(world: ControlledWorld, state: WorldState): Map<string, string[]> {
  const held = new Map<string, string[]>();
  for (const i of topology(world).locks) {
    const c = ctxOf<{ holders: { tid: string }[] }>(world, state, i);
    if (!c.holders?.length) continue;
    const releasing = world
      .inbox(state, i)
      .map((m) => world.message(m).event as { type: string; tid?: string })
      .filter((e) => e.type === 'lock.release')
      .map((e) => e.tid);
    for (const h of c.holders) {
      if (releasing.includes(h.tid)) continue;
      held.set(h.tid, [...(held.get(h.tid) ?? []), world.actors[i].id]);
    }
  }
  return held;
}

/** tids currently running an invalidate callback, with whether the range is blockable. */
export function callbackTids(
  world: ControlledWorld,
  state: WorldState,
): Map<string, { sub: string; blockable: boolean }> {
  const out = new Map<string, { sub: string; blockable: boolean }>();
  for (const i of topology(world).subs) {
    const running = ctxOf<{ callbacks: { tid: string; blockable: boolean }[] }>(world, state, i).callbacks;
    for (const cb of running) out.set(cb.tid, { sub: world.actors[i].id, blockable: cb.blockable });
  }
  return out;
}
