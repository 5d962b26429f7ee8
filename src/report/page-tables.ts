/**
 * The device and CPU page tables of a world state, keyed by address (`0x10000`), for `run`'s
 * final tables and the HTML report's step view.
 */
import { mmMemory, topology } from '../monitors/topology.ts';
import type { ControlledWorld, WorldState } from '../runtime/controlled-world.ts';

/** Device → address → entry; mm → address → PTE with its version. */
export interface Tables {
  devices: Record<string, Record<string, unknown>>;
  cpu: Record<string, Record<string, unknown>>;
}

export function pageTables(world: ControlledWorld, state: WorldState): Tables {
  const t = topology(world);
  const devices: Tables['devices'] = {};
  for (const i of t.devices) {
    const ctx = world.snapshot(state, i).context as { table?: Record<string, unknown>; pageSize?: number };
    devices[world.actors[i].id] = addrKeys(ctx.table ?? {}, ctx.pageSize ?? 4096);
  }
  const cpu: Tables['cpu'] = {};
  for (const i of t.mms) {
    const snap = world.snapshot(state, i);
    const mem = mmMemory(snap);
    const pageSize = (mem as unknown as { pageSize?: number }).pageSize ?? 4096;
    cpu[world.actors[i].id] = addrKeys(
      Object.fromEntries(
        Object.entries(mem.ptes ?? {}).map(([vpn, pte]) => [vpn, { ...pte, version: mem.versions?.[vpn] ?? 0 }]),
      ),
      pageSize,
    );
  }
  return { devices, cpu };
}

function addrKeys(table: Record<string, unknown>, pageSize: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(table).map(([vpn, v]) => [`0x${(Number(vpn) * pageSize).toString(16)}`, v]));
}
