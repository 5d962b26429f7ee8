/**
 * `[scenario] [k=v ...]` from a bench script's command line: the scenario file (default the
 * seq-retry bench scenario), its params as numbers, and its world.
 */
import { worldFor } from '../../src/check/world-for.ts';
import type { ControlledWorld } from '../../src/runtime/controlled-world.ts';

export async function worldFromArgs(
  args: string[],
): Promise<{ file: string; knobs: string[]; world: ControlledWorld }> {
  const [file = 'scenarios/bench/seq-retry.yaml', ...knobs] = args;
  const params = Object.fromEntries(
    knobs.map((kv) => {
      const [k, v] = kv.split('=');
      return [k, Number(v)];
    }),
  );
  const { world } = await worldFor(file, undefined, params);
  return { file, knobs, world };
}
