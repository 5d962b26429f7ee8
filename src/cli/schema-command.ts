/** `mirrorlab schema [-o FILE]`: the scenario language as a JSON Schema, for YAML editors. */
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from '../scenario/json-schema.ts';

export function schemaCommand(o: { output?: string }, out: (s: string) => void): number {
  const text = scenarioJsonSchemaText();
  if (o.output) writeFileSync(o.output, text);
  else out(text.trimEnd());
  return 0;
}
