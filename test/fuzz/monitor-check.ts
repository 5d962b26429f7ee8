/**
 * One case of the monitor-claims property (test/explorer/monitor-claims-property.test.ts) and of
 * the `npm run fuzz -- --monitors` campaign (monitor-campaign.ts): a scenario text searched
 * breadth-first in the checking mode (`checkMonitors`: every monitor at every step beside the
 * plan, explorer/search/monitor-audit.ts), within `maxStates`. Its discrepancies are the claims
 * of what a monitor reads (`interest`, `reads`, `inFlight`, `fieldsRead`, `threadScoped`) that a
 * step broke: the search's gating (situation-views.ts) and the replies it takes (returns.ts)
 * rest on them.
 */
import { defaultMonitors, exhaustiveSearch, worldFor } from '../../src/index.ts';
import { CORPUS } from './arbitraries.ts';

export interface MonitorClaimsCase {
  /** Whether the search ended within the bound. */
  ended: boolean;
  /** Monitor calls the checking mode compared with the plan. */
  calls: number;
  /** The broken claims, one line each; empty when every claim held. */
  failures: string[];
}

export async function checkMonitorClaims(text: string, maxStates: number): Promise<MonitorClaimsCase> {
  const { world } = await worldFor('fuzz-case.yaml', undefined, {}, { text, allowDrivers: [CORPUS] });
  const r = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates, checkMonitors: true });
  const audit = r.stats.monitorChecks!;
  const plan = r.violations.filter((v) => v.kind === 'monitor-plan').map((v) => v.message);
  return { ended: r.stats.complete, calls: audit.calls, failures: [...new Set([...audit.discrepancies, ...plan])] };
}
