/**
 * The versioned top of every `--json` output (docs/ci.md): which command's shape it is, the
 * shape's version, the tool that wrote it, the exit code and the totals a CI job reads first.
 * A shape gets a new version when a field changes meaning or goes away; new fields do not.
 */
import { mirrorlabVersion } from '../exit-codes.ts';

export const JSON_FORMATS = ['check', 'check-driver', 'run', 'replay', 'conformance', 'merge'] as const;
export type JsonFormat = (typeof JSON_FORMATS)[number];

export const JSON_FORMAT_VERSION = 1;

export function envelope<T extends object>(
  format: JsonFormat,
  exitCode: number,
  totals: Record<string, number>,
  body: T,
): {
  format: string;
  version: number;
  tool: { name: string; version: string };
  exitCode: number;
  totals: Record<string, number>;
} & T {
  return {
    format: `mirrorlab.${format}`,
    version: JSON_FORMAT_VERSION,
    tool: { name: 'mirrorlab', version: mirrorlabVersion() },
    exitCode,
    totals,
    ...body,
  };
}
