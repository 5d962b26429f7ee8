// Embedding mirrorlab in your own code: run a bundled scenario as live XState actors, watch
// XState's inspection stream, then ask the checker about every interleaving.
//   node bin/run-ts.mjs examples/embed.ts
import { checkScenario, createWorld } from '../src/index.ts';

const scenario = 'scenarios/seeds/fault-vs-unmap.yaml';

// 1. Live actors, one delivery per step, under a seeded random schedule.
let events = 0;
const world = await createWorld(scenario, { schedule: 'random', seed: 7, inspect: () => events++ });
world.run();
const device = world.snapshot('dev:gpu0').context as { table: Record<string, unknown> };
console.log(`live run: ${world.steps.length} steps, ${events} inspection events`);
console.log(`device page table at the end: ${JSON.stringify(device.table)}`);

// 2. The same scenario, every interleaving.
const outcome = await checkScenario(scenario);
console.log(
  `check: ${outcome.stats.states} states, complete=${outcome.stats.complete}, violations: ${outcome.violations.map((v) => v.kind).join(', ') || 'none'}`,
);
