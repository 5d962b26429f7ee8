// The export formats, apart from the exporters (machine-export.ts): the CLI lists them at start-up.

/**
 * The formats {@link exportMachine} writes (those of `mirrorlab export --format`).
 *
 * @example
 * ```ts
 * import { EXPORT_FORMATS } from 'mirrorlab';
 *
 * EXPORT_FORMATS; // ['mermaid', 'json', 'stately', 'scxml']
 * ```
 */
export const EXPORT_FORMATS = ['mermaid', 'json', 'stately', 'scxml'] as const;
/**
 * One of {@link EXPORT_FORMATS}.
 *
 * @example
 * ```ts
 * import { type ExportFormat, exportMachine, ptLockMachine } from 'mirrorlab';
 *
 * const format: ExportFormat = 'stately';
 * exportMachine(ptLockMachine, format);
 * ```
 */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
