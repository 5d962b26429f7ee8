/**
 * The help texts and option parsers of commands, apart from the commands themselves: main.ts
 * describes every command at start-up but loads a command's code only when it runs (a `check`
 * need not load the studio, the report page or the inspector bridge), so what the descriptions
 * need lives here, light.
 */
import { InvalidArgumentError } from 'commander';

export const EXPORT_HELP = `
Examples:
  mirrorlab export range-notifier                        Mermaid stateDiagram-v2 on stdout
  mirrorlab export svm --format stately -o svm.ts        for the Stately editor (Import from code)
  mirrorlab export pt-lock --format scxml                W3C SCXML
  mirrorlab export ./my-driver.ts --format json          a driver module's configuration
Exit codes: 0 written; 2 unknown machine, bad format or a driver module that does not load.`;

export const INSPECT_HELP = `
Examples:
  mirrorlab inspect                         serve on port 8080 and open the page in the browser
  mirrorlab inspect --port 9000 --no-open   another port; open http://localhost:9000 yourself
  mirrorlab run scenarios/seeds/fault-vs-unmap.yaml --live --inspect ws://localhost:8080
What needs the internet: the inspector page (https://stately.ai/inspect, embedded by the bridge).
What works offline: the bridge itself, run --live --inspect-log FILE, and mirrorlab report.`;

export const MERGE_HELP = `
Every shard 1..n of one campaign must be given once: the same mirrorlab, options, scenario
files (by content) and driver. The verdict is check's: complete only when every shard's part is.`;

export const REPORT_HELP = `
Examples:
  mirrorlab check scenarios/seeds/missing-set-seq.yaml --save-trace /tmp/traces/
  mirrorlab report /tmp/traces/missing-set-seq.stale-spte.json -o stale.html
  mirrorlab check scenarios/seeds --report /tmp/report     a page per scenario and index.html
In the page: ← → step through the counterexample (Home / End: the ends).
Exit codes: 0 written; 2 not a trace, a scenario that no longer loads, or an existing output without --force.`;

export function studioPort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError(`--port takes a port number, 1 to 65535 (got '${v}'); leave it out for a free one`);
  return n;
}

export const STUDIO_HELP = `
The page runs the scenario in the browser, offline: choose each delivery among the enabled
steps (as Spin's interactive simulation), undo and redo (also with ← →), restart, watch the
monitors' verdict at every step, and save the schedule as a trace for 'mirrorlab replay'.
A trace opens positioned at its end; a folder (by default the bundled scenarios/seeds)
offers its scenarios in a list. Scenarios naming a driver module (a .ts file) cannot
run in the page: use 'mirrorlab run' or 'check' for those.

Examples:
  mirrorlab studio scenarios/seeds/missing-set-seq.yaml
  mirrorlab studio                       # choose among the bundled seeds
  mirrorlab studio /tmp/bug.missing-set-seq.stale-spte.json --port 8377`;
