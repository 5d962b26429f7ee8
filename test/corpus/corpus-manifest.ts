/**
 * examples/drivers/corpus/corpus.yaml: the driver corpus and the verdict each driver must get.
 * A malformed manifest throws an error naming the file, the entry and the field, and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROPERTY_KINDS } from '../../src/scenario/schema.ts';

export const CORPUS_DIR = 'examples/drivers/corpus';
export const MANIFEST = join(CORPUS_DIR, 'corpus.yaml');

/** `livelock` is the non-progress property issue 13 (item 5) adds; the rest are today's kinds. */
export const VERDICT_PROPERTIES = [...PROPERTY_KINDS, 'livelock'] as const;

const entry = z.strictObject({
  file: z.string().regex(/^(buggy|correct)\/[\w-]+\.ts$/, 'must be buggy/<name>.ts or correct/<name>.ts'),
  breaks: z.array(z.enum(VERDICT_PROPERTIES)),
  today: z.string().min(1),
  pendingOn: z.string().min(1).optional(),
  endlessIn: z.record(z.string().regex(/^[\w-]+$/), z.string().regex(/^[\w.:-]+ holds \d+ [\w.]+$/)).optional(),
  description: z.string().min(1),
  source: z.string().min(1),
});
const manifest = z.strictObject({
  maxStates: z.number().int().positive(),
  drivers: z.record(z.string().regex(/^[\w-]+$/), entry),
});

export type CorpusEntry = z.infer<typeof entry> & { name: string };
export interface Corpus {
  maxStates: number;
  drivers: CorpusEntry[];
}

export function loadCorpus(path = MANIFEST): Corpus {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not valid YAML (${(e as Error).message.split('\n')[0]}); fix the syntax`);
  }
  const got = manifest.safeParse(raw);
  if (!got.success) {
    const issue = got.error.issues[0];
    const where = issue.path.join('.') || '(top level)';
    throw new Error(`${path}: ${where}: ${issue.message}; see the field list at the top of the file`);
  }
  const drivers = Object.entries(got.data.drivers).map(([name, e]) => ({ name, ...e }));
  for (const d of drivers) {
    if (!existsSync(join(dirname(path), d.file)))
      throw new Error(`${path}: drivers.${d.name}.file: ${d.file} does not exist next to it; fix the path`);
    if (d.file.startsWith('buggy/') && d.breaks.length === 0)
      throw new Error(`${path}: drivers.${d.name}.breaks: a buggy driver must break something; list the properties`);
    if (d.file.startsWith('correct/') && d.breaks.length > 0)
      throw new Error(`${path}: drivers.${d.name}.breaks: a correct driver must keep every property; use []`);
  }
  return { maxStates: got.data.maxStates, drivers };
}
