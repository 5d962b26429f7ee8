/**
 * The input a driver actor `drv:<device>` starts with (docs/driver-protocol.md, Input): the
 * ids of every actor it may address, the scenario's knobs, and, for a built-in profile only,
 * the planted bugs. A custom module (a path, or `check --driver`) gets `profile: 'custom'`
 * and never the slot's bugs, so a module that re-exports a built-in runs it as written.
 */
import type { Scenario, ScenarioDevice } from './schema.ts';

export interface DriverSlot {
  device: string;
  spec: ScenarioDevice;
  /** The built-in profile name, or null for a custom module. */
  builtin: string | null;
}

export function driverInput(scenario: Scenario, { device, spec, builtin }: DriverSlot): Record<string, unknown> {
  return {
    ...spec.options,
    id: `drv:${device}`,
    profile: builtin ?? 'custom',
    sub: `sub:${device}`,
    lock: `lock:${device}`,
    mm: `mm:${spec.process}`,
    core: `core:${spec.process}`,
    dev: `dev:${device}`,
    pgmapOwner: device,
    pageSize: scenario.pageSize,
    ...(spec.maxRetries ? { maxRetries: spec.maxRetries } : {}),
    ...(builtin ? { bugs: spec.bugs } : {}),
  };
}
