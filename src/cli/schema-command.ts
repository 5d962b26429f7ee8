/** `mirrorlab schema [-o FILE]`: the scenario language as a JSON Schema, for YAML editors. */
import { scenarioJsonSchemaText } from '../scenario/json-schema.ts';
import { writeFileAtomic } from './safe-write.ts';

export function schemaCommand(o: { output?: string }, out: (s: string) => void): number {
  const text = scenarioJsonSchemaText();
  if (o.output) writeFileAtomic(o.output, text, { force: true });
  else out(text.trimEnd());
  return 0;
}
