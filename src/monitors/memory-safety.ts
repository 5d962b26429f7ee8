/**
 * Device-side coherency and memory safety (docs/kernel-semantics.md §7 items 9, 13, 14):
 *   - `stale-spte`: a device entry maps a page at an address whose CPU PTE changed after the
 *     entry was built (its recorded PTE version is older than the mm's). For a driver whose
 *     entries hold page pins (a registration cache), a stale pinned entry is memory-safe: it
 *     is reported as the observation `stale-data` when the device uses it, not as a violation.
 *   - `use-after-free`: the device accessed a page that was freed, or freed and reused (its
 *     generation moved on), while the device held no pin on it.
 */
import type { DeviceContext } from '../../machines/device.machine.ts';
import { mapCommutes } from '../../machines/device-movers.ts';
import type { ControlledWorld, StepRecord, WorldState } from '../runtime/controlled-world.ts';
import type { Interest, Monitor } from './monitor.ts';
import { ctxOf, mmMemory, topology } from './topology.ts';

interface DevEntry {
  pfn: number;
  gen: number;
  version: number | null;
  pinned: boolean;
}

function pageSizeOf(world: ControlledWorld, state: WorldState, dev: string): number {
  return ctxOf<{ pageSize?: number }>(world, state, dev).pageSize ?? 4096;
}

/** Devices, actors holding a device page table (the driver itself for dmirror), and the mms. */
function tablesAndMms(world: ControlledWorld): number[] {
  const t = topology(world);
  const holders = [...t.deviceMm.keys()].map((id) => world.indexOf(id));
  return [...new Set([...t.devices, ...holders, ...t.mms])].sort((a, b) => a - b);
}

/**
 * Whether `record` is a map that only adds entries (no vpn it maps has one yet) to a device with
 * no job running or queued: stale-spte's verdicts stay the same if such a map is taken in the step
 * that posts it (`Monitor.allowsEarly`), judged there. Taken earlier, it leaves the device's table
 * a superset of what it would be meanwhile (nothing accesses it: no job; nothing overwritten),
 * with the same CPU PTEs, so a stale entry the later map would show exists as early or earlier,
 * and a PTE change meanwhile that would make the new entry stale makes the later map install it
 * stale too (the zap that could remove it queues behind the map in the ring).
 */
function mapOnlyAdds(world: ControlledWorld, record: StepRecord): boolean {
  const event = record.message.event as { type: string; entries?: { addr: number }[] };
  const actor = world.indexOf(record.actor);
  if (event.type !== 'dev.map' || !topology(world).devices.includes(actor)) return false;
  const device = world.snapshotById(actor, record.before).context as DeviceContext;
  // No job running or queued (the device's own rule: device-movers.ts), so nothing accesses the table.
  if (!mapCommutes(device, event)) return false;
  return (event.entries ?? []).every((e) => device.table[String(Math.floor(e.addr / device.pageSize))] === undefined);
}

export const staleSptsMonitor: Monitor = {
  name: 'stale-spte',
  // An entry can turn stale only when a table gains one (`dev.map` for a device; any change for
  // a driver that keeps its table itself, as dmirror does) or a CPU PTE version moves (the mm
  // observes pte.changed for every version bump).
  interest: (world, record) => {
    const t = topology(world);
    if (t.deviceMm.has(record.actor))
      return record.before !== record.after &&
        (!record.actor.startsWith('dev:') || record.message.event.type === 'dev.map')
        ? 'global'
        : 'skip';
    return record.actor.startsWith('mm:') && record.observations.some((o) => o.kind === 'pte.changed')
      ? 'global'
      : 'skip';
  },
  reads: tablesAndMms,
  inFlight: [],
  // Of a device, its table (and page size); a table keeper that is not a device, and the mm, whole.
  fieldsRead: (world, actor) => (topology(world).devices.includes(actor) ? ['table', 'pageSize'] : null),
  allowsEarly: (world, record) => mapOnlyAdds(world, record),
  onStep(ctx, record, _before, after) {
    const { world } = ctx;
    const t = topology(world);
    // Only steps that change a device table or a CPU PTE can make an entry stale.
    const holder = t.deviceMm.has(record.actor);
    if (!holder && !record.actor.startsWith('mm:')) return null;
    if (record.before === record.after) return null;
    const devices = holder
      ? [record.actor]
      : [...t.deviceMm].filter(([, mm]) => mm === record.actor).map(([dev]) => dev);
    for (const dev of devices) {
      const mm = t.deviceMm.get(dev);
      if (!mm) continue;
      const mem = mmMemory(world.snapshot(after, mm));
      const table = ctxOf<{ table: Record<string, DevEntry> }>(world, after, dev).table ?? {};
      for (const [vpn, e] of Object.entries(table)) {
        if (e.pinned || e.version === null) continue;
        const cpu = mem.versions[vpn] ?? 0;
        if (cpu > e.version) {
          const addr = Number(vpn) * pageSizeOf(world, after, dev);
          return {
            kind: 'stale-spte',
            message: `${dev} still maps 0x${addr.toString(16)} → pfn ${e.pfn} (built from CPU PTE version ${e.version}) after ${mm} changed that PTE (now version ${cpu})`,
          };
        }
      }
    }
    return null;
  },
};

const accesses = (record: StepRecord, pinnedOnly: boolean): Interest =>
  record.observations.some((o) => o.kind === 'dev.access' && (!pinnedOnly || o.pinned)) ? 'global' : 'skip';

export const useAfterFreeMonitor: Monitor = {
  name: 'use-after-free',
  interest: (_world, record) => accesses(record, false),
  reads: tablesAndMms,
  inFlight: [],
  // An access names its page and generation itself: of a device, nothing else.
  fieldsRead: (world, actor) => (topology(world).devices.includes(actor) ? [] : null),
  onStep(ctx, record, before) {
    const { world } = ctx;
    for (const o of record.observations) {
      if (o.kind !== 'dev.access') continue;
      const dev = String(o.dev ?? record.actor);
      const mm = topology(world).deviceMm.get(dev);
      if (!mm) continue;
      const mem = mmMemory(world.snapshot(before, mm));
      const page = mem.pages[String(o.pfn)];
      const addr = `0x${Number(o.addr).toString(16)}`;
      if (!page || page.gen !== o.gen) {
        const what = page ? `reused (generation ${page.gen}, the device's entry is from ${o.gen})` : 'freed';
        return {
          kind: 'use-after-free',
          message: `${dev} ${o.write ? 'wrote' : 'read'} pfn ${o.pfn} at ${addr}, a page that was ${what}${o.pinned ? ' although the entry claimed a pin' : ' and that the device held no pin on'}`,
        };
      }
    }
    return null;
  },
};

export const staleDataMonitor: Monitor = {
  name: 'stale-data',
  interest: (_world, record) => accesses(record, true),
  reads: tablesAndMms,
  inFlight: [],
  fieldsRead: (world, actor) => (topology(world).devices.includes(actor) ? ['pageSize'] : null),
  onStep(ctx, record, before) {
    const { world } = ctx;
    for (const o of record.observations) {
      if (o.kind !== 'dev.access' || !o.pinned) continue;
      const dev = String(o.dev ?? record.actor);
      const mm = topology(world).deviceMm.get(dev);
      if (!mm) continue;
      const mem = mmMemory(world.snapshot(before, mm));
      const vpn = String(Math.floor(Number(o.addr) / pageSizeOf(world, before, dev)));
      const pte = mem.ptes[vpn];
      if (!pte || pte.pfn !== o.pfn) {
        return {
          kind: 'stale-data',
          severity: 'observation',
          message: `${dev} used its pinned entry for 0x${Number(o.addr).toString(16)} (pfn ${o.pfn}) after the CPU mapping moved on: stale data, memory-safe because of the pin`,
        };
      }
    }
    return null;
  },
};
