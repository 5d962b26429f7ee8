/**
 * Run a scenario's set-up (mappings, populated words, subscriptions) to completion under the
 * default schedule, and return the actors of the run proper starting from where set-up left
 * them. Set-up is not interleaved: it is the state the scenario starts from, like a test
 * fixture, and it keeps the explored space to the part the scenario is about.
 */
import type { ActorSpec } from '../runtime/controlled-world.ts';
import { ControlledWorld } from '../runtime/controlled-world.ts';
import type { CompiledScenario } from './compile.ts';
import type { Deadline } from './deadline.ts';
import { ScenarioError } from './parse.ts';

interface ThreadContext {
  results: { op: number; label?: string; reply?: { type: string; result?: number } }[];
  mismatches: { op: number; label?: string; expected: unknown; got: unknown }[];
}

/**
 * Run a compiled scenario's set-up to completion under the default schedule and return the actors
 * of the run proper, starting where the set-up left them (set-up is a fixture, not interleaved).
 *
 * @example
 * ```ts
 * import { ControlledWorld, compileScenario, loadScenario, settle } from 'mirrorlab';
 *
 * const compiled = await compileScenario(loadScenario('scenarios/seeds/fault-vs-unmap.yaml'));
 * const world = new ControlledWorld(settle(compiled));
 * ```
 */
export function settle(compiled: CompiledScenario, deadline?: Deadline): ActorSpec[] {
  const world = new ControlledWorld([...compiled.kernel, compiled.setup]);
  let state = world.initial;
  for (let n = 0; n < 1_000_000; n++) {
    // Every 16 steps: a step is an XState transition over contexts that grow with the populated
    // words (about a millisecond each with thousands: every 1024 steps overran a 0.01 s budget by
    // seconds), and the bundled set-ups, at most 15 steps, finish whatever the budget.
    if ((n & 15) === 15)
      deadline?.check(
        compiled.file,
        'set-up (processes: mappings and populated words)',
        'populate fewer words, or raise --time',
      );
    const steps = world.enabled(state);
    if (steps.length === 0) break;
    const { state: next, record } = world.apply(state, steps[0]);
    if (record.policy === 'unhandled') {
      throw new ScenarioError(
        `${compiled.file}: set-up failed: ${record.actor} cannot handle ${record.message.event.type} from ${record.message.from}`,
      );
    }
    state = next;
  }
  const setup = world.snapshot(state, compiled.setup.id);
  const ctx = setup.context as ThreadContext;
  if (ctx.mismatches?.length) {
    const m = ctx.mismatches[0];
    throw new ScenarioError(
      `${compiled.file}: set-up op ${m.op} (${m.label}) expected ${JSON.stringify(m.expected)} but got ${JSON.stringify(m.got)}: check the processes/devices section`,
    );
  }
  if (setup.status !== 'done') {
    throw new ScenarioError(
      `${compiled.file}: set-up did not finish (stuck in ${JSON.stringify(setup.value)}): check the processes section`,
    );
  }
  const stuck = compiled.kernel.filter((a) => state.inboxes[world.indexOf(a.id)].length > 0).map((a) => a.id);
  if (stuck.length)
    throw new ScenarioError(`${compiled.file}: set-up left messages undelivered at ${stuck.join(', ')}`);
  return [...compiled.kernel.map((a) => ({ ...a, snapshot: world.snapshot(state, a.id) })), ...compiled.threads];
}
