/**
 * `check --sarif FILE`: SARIF 2.1.0, the format code-scanning services read. One rule per
 * property, one result per violation found: `error` where it fails the check (a violation the
 * scenario does not expect; with `--driver`, one charged to the driver), `note` for one that is
 * as expected (a planted bug found) or charged to the scenario's environment. Each result points
 * at the scenario file and, for a custom driver module, at the module too.
 */
import { relative } from 'node:path';
import type { CheckOutcome } from '../../check/check-scenario.ts';
import type { FileError } from '../check-files.ts';
import { mirrorlabVersion } from '../exit-codes.ts';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A relative URI for a path (SARIF readers resolve it against the working directory). */
function uri(path: string): string {
  const r = relative(process.cwd(), path).split('\\').join('/');
  return r.startsWith('..') || r.startsWith('/') ? `file://${path.split('\\').join('/')}` : r;
}

const location = (path: string, description?: string) => ({
  physicalLocation: { artifactLocation: { uri: uri(path) }, region: { startLine: 1 } },
  ...(description ? { message: { text: description } } : {}),
});

export function checkSarif(outcomes: CheckOutcome[], errors: FileError[], driver: string | null) {
  const kinds = [...new Set(outcomes.flatMap((c) => c.violations.map((v) => v.kind)))].sort();
  const results = outcomes.flatMap((c) =>
    c.violations.map((v) => {
      const fails = driver ? v.charge?.to !== 'environment' : !c.expected.includes(v.kind);
      const locations = [location(c.file, `scenario ${c.scenario}`)];
      if (driver) locations.push(location(driver, 'the driver module under test'));
      return {
        ruleId: v.kind,
        ruleIndex: kinds.indexOf(v.kind),
        level: fails ? 'error' : 'note',
        message: { text: `${c.scenario}: ${v.kind} after ${v.steps} steps: ${v.message}` },
        locations,
        properties: {
          scenario: c.scenario,
          steps: v.steps,
          charge: v.charge?.to ?? null,
          expected: c.expected.includes(v.kind),
        },
      };
    }),
  );
  const notifications = errors.map((e) => ({
    level: 'error',
    message: { text: e.message },
    locations: [location(e.file)],
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mirrorlab',
            version: mirrorlabVersion(),
            rules: kinds.map((id) => ({
              id,
              shortDescription: { text: `mirrorlab property ${id} (docs/driver-protocol.md)` },
            })),
          },
        },
        invocations: [{ executionSuccessful: errors.length === 0, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}
