/**
 * `npm run fuzz -- --monitors --time S [--seed N] [--max-states M] [--out DIR]`: what the
 * monitors say they read, checked on random scenarios rather than the bundled ones alone
 * (monitor-audit.test.ts). The search runs a monitor only where what it says it reads moved
 * (situation-views.ts) and takes replies no monitor can tell apart (returns.ts), both on those
 * claims (`reads`, `inFlight`, `fieldsRead`, `threadScoped`, `interest`); the checking mode runs
 * every monitor at every step beside the plan and reports any claim a step breaks. Each round
 * draws a `bugScenario` (arbitraries.ts) and searches it breadth-first in the checking mode within
 * M states (default 5,000: the checking mode runs every monitor at every step; monitor-check.ts).
 * A discrepancy, or a search that throws, is saved under DIR with the command that shows it.
 */
import { bugScenario, CORPUS } from './arbitraries.ts';
import { runRounds } from './campaign-rounds.ts';
import { checkMonitorClaims } from './monitor-check.ts';

export interface MonitorCampaign {
  seconds: number;
  baseSeed: number;
  outDir: string;
  maxStates: number;
}

/** Runs the campaign, prints its summary line; returns the exit code (1 when a round failed). */
export async function monitorCampaign(o: MonitorCampaign): Promise<number> {
  const counts = { ended: 0, calls: 0 };
  const r = await runRounds({
    ...o,
    name: 'monitors',
    cases: bugScenario,
    text: ({ text }) => text,
    async check({ text }) {
      const c = await checkMonitorClaims(text, o.maxStates);
      counts.calls += c.calls;
      if (c.ended) counts.ended++;
      return c.failures;
    },
    why: (_c, where) => `a monitor's claim about what it reads does not hold (${where})`,
    command: (_c, stem) =>
      `mirrorlab check ${stem}.yaml --allow-driver ${CORPUS} --strategy bfs --max-states ${o.maxStates} --check-monitors`,
  });
  process.stdout.write(
    `fuzz --monitors: ${r.tail}: ${counts.ended} searched to their end within ${o.maxStates} states, ${counts.calls} monitor calls compared; ${r.failed} failed${r.failed ? ` (saved under ${o.outDir})` : ''}\n`,
  );
  return r.failed ? 1 : 0;
}
