/**
 * The ladders of a merge's counterexamples, as `check` prints them: the world is built again
 * from the scenario file, its params and the campaign's driver, after checking that the file is the
 * one the shards ran (its content hash), since a trace is only meaningful against it.
 */
import type { MergedCampaign, MergedScenario } from '../check/shard-merge.ts';
import { sha256Of } from '../check/shard-result.ts';
import { worldFor } from '../check/world-for.ts';
import { findCriticalReordering } from '../explorer/counterexamples/critical-reordering.ts';
import { defaultMonitors } from '../monitors/index.ts';
import { renderLadder } from '../report/ladder.ts';
import type { SemanticStep } from '../runtime/controlled-world.ts';
import { loadDriverModule } from '../scenario/driver-module.ts';
import { ScenarioError } from '../scenario/load.ts';

/** A merged trace replays only against the scenario file the shards ran: refuse an edited one. */
export function assertUnchanged(s: MergedScenario): void {
  if (sha256Of(s.file) !== s.sha256)
    throw new ScenarioError(
      `${s.file}: the file changed since the shards ran (its content hash differs from the one their parts record): run merge in the checkout the shards ran in`,
    );
}

/** `<file>#<kind>` → the ladder (and the critical reordering) of each counterexample of `scenarios`. */
export async function mergedLadders(
  m: MergedCampaign,
  scenarios: MergedScenario[],
  allowDrivers: readonly string[] = [],
): Promise<Map<string, string>> {
  const ladders = new Map<string, string>();
  const driver = m.campaign.driver
    ? { machine: await loadDriverModule(m.campaign.driver.path, `--driver ${m.campaign.driver.path}`), name: '' }
    : undefined;
  for (const s of scenarios) {
    if (!s.violations.some((v) => v.trace.length)) continue;
    assertUnchanged(s);
    const { world } = await worldFor(s.file, driver, s.params, { allowDrivers });
    for (const v of s.violations) {
      const trace = v.trace as SemanticStep[];
      if (!trace.length) continue;
      const ladder = renderLadder(world, trace, v.loopFrom ?? undefined);
      const race = findCriticalReordering(world, trace, v.kind, { monitors: defaultMonitors });
      ladders.set(`${s.file}#${v.kind}`, race ? `${ladder}\n${race.text}` : ladder);
    }
  }
  return ladders;
}
