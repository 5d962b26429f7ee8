/**
 * The verdict `mirrorlab check --driver FILE` gives a driver, per property, computed with the
 * same library calls (loadDriverModule, scenarioFiles, checkScenario over the bundled battery),
 * bounded by work: each scenario's search stops at `maxStates`, and a search cut short makes
 * the verdict inconclusive rather than "keeps". As in the CLI, only violations charged to the
 * driver count (src/check/charge.ts); the environment's are listed apart.
 */
import { resolve } from 'node:path';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { chargedToDriver } from '../../src/check/verdict.ts';
import { scenarioFiles } from '../../src/cli/scenario-files.ts';
import { loadDriverModule } from '../../src/scenario/driver-module.ts';

export const BATTERY = 'scenarios/seeds';

export interface ScenarioRun {
  scenario: string;
  /** Properties the driver violated (observations and environment findings excluded). */
  found: string[];
  /** Properties violated by the scenario's environment (charge.ts), not charged to the driver. */
  environment: string[];
  states: number;
  complete: boolean;
  skipped: string | null;
  /** The tool threw instead of answering (a stack trace for the user). */
  crashed: string | null;
  /** Cut short while messages piled up unread (src/explorer/search/pile-up.ts): why it has no end. */
  pileUp: string | null;
}

export interface BatteryVerdict {
  /** Properties broken in at least one scenario, sorted. */
  breaks: string[];
  /** Scenarios whose search stopped at the limit without a violation. */
  inconclusive: string[];
  crashed: { scenario: string; message: string }[];
  runs: ScenarioRun[];
}

export async function batteryVerdict(driverFile: string, maxStates: number): Promise<BatteryVerdict> {
  const machine = await loadDriverModule(resolve(driverFile), `--driver ${driverFile}`);
  const driver = { machine, name: driverFile };
  const runs: ScenarioRun[] = [];
  for (const file of scenarioFiles([BATTERY])) {
    const scenario = file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
    try {
      const c = await checkScenario(file, { driver, maxStates });
      const kinds = (driver: boolean) =>
        [...new Set(c.violations.filter((v) => chargedToDriver(v) === driver).map((v) => v.kind))].sort();
      runs.push({
        scenario,
        found: kinds(true),
        environment: kinds(false),
        states: c.stats.states,
        // A liveness pass cut short leaves `livelock` open, as `check --driver` says (verdict.ts).
        complete: c.stats.complete && (c.liveness === null || c.liveness.complete),
        skipped: c.skipped,
        crashed: null,
        pileUp: c.stats.pileUp ? `${c.stats.pileUp.actor} holds ${c.stats.pileUp.copies} ${c.stats.pileUp.type}` : null,
      });
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      runs.push({
        scenario,
        found: [],
        environment: [],
        states: 0,
        complete: false,
        skipped: null,
        crashed: message,
        pileUp: null,
      });
    }
  }
  return {
    breaks: [...new Set(runs.flatMap((r) => r.found))].sort(),
    inconclusive: runs
      .filter((r) => !r.skipped && !r.crashed && !r.complete && r.found.length === 0)
      .map((r) => r.scenario),
    crashed: runs.filter((r) => r.crashed).map((r) => ({ scenario: r.scenario, message: r.crashed! })),
    runs,
  };
}

/** `keeps all`, `BREAKS a, b`, plus what kept the verdict from being a clean answer. */
export function verdictText(v: Pick<BatteryVerdict, 'breaks' | 'inconclusive' | 'crashed'>): string {
  const parts = [v.breaks.length ? `BREAKS ${v.breaks.join(', ')}` : 'keeps all'];
  if (v.inconclusive.length) parts.push(`inconclusive in ${v.inconclusive.join(', ')}`);
  if (v.crashed.length) parts.push(`crashes in ${v.crashed.map((c) => c.scenario).join(', ')}`);
  return parts.join('; ');
}
