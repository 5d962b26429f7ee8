/**
 * The key the visited set sees for a state, and the reduction a search runs (`reduction`
 * option, `check --reduction`, issue 12).
 *
 *   - 'none': the exact state: every per-actor local id as it is (`check --no-reduction`);
 *   - 'canonical' (the default): the channel-canonical state. Each actor's local id is replaced by
 *     the id of the same situation with its inbox stably ordered by channel
 *     (`ControlledWorld.canonical`). Delivery is FIFO per (sender, receiver) channel, so two
 *     states that differ only in how different senders' messages interleave in one inbox enable
 *     the same steps, which lead to states that differ the same way, and every monitor judges
 *     them alike: the states are bisimilar, and searching the quotient by that bisimulation
 *     finds the same violations (Milner's bisimulation quotient; the symmetry and
 *     state-identification reductions of explicit-state checkers rest on the same argument).
 *   - 'sleep': the canonical key plus sleep sets (Godefroid 1996, sleep-sets.ts), what
 *     `por: true` / `check --por` select; they prune transitions, never states.
 *
 * Only the key is canonical: the search keeps the concrete state it reached first, so a
 * counterexample is the concrete trace to it and replays in the full semantics. The key is a
 * property of the fingerprint, so every exhaustive mode (bfs, dfs, deferred verdicts, the
 * visited worker thread, `--shard i/n`, whose owner hash is taken on the fingerprint) agrees on it.
 */
import type { ControlledWorld } from '../../runtime/controlled-world.ts';
import { zobristVec } from '../visited/fingerprint.ts';

/**
 * The reduction of an exhaustive search (`SearchOptions.reduction`, `check --reduction`):
 * 'canonical' by default, 'none' for exact states, 'sleep' for sleep sets over canonical states.
 *
 * @example
 * ```ts
 * import { defaultMonitors, exhaustiveSearch, type ReductionMode, worldFor } from 'mirrorlab';
 *
 * const { world } = await worldFor('scenarios/seeds/fault-vs-unmap.yaml');
 * const states = (reduction: ReductionMode) =>
 *   exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), reduction }).stats.states;
 * states('canonical') < states('none'); // true: fewer states, the same verdicts
 * ```
 */
export type ReductionMode = 'none' | 'canonical' | 'sleep';

/** The reductions, in the order the CLI lists them. */
export const REDUCTION_MODES: readonly ReductionMode[] = ['none', 'canonical', 'sleep'];

/** The reduction the options ask for: `reduction`, else `por: true` as 'sleep', else 'canonical'. */
export function reductionMode(opts: { reduction?: ReductionMode; por?: boolean }): ReductionMode {
  const { reduction, por } = opts;
  if (reduction === undefined) return por === true ? 'sleep' : 'canonical';
  if (!REDUCTION_MODES.includes(reduction))
    throw new RangeError(`reduction: '${reduction}' is not one of ${REDUCTION_MODES.join(', ')}`);
  if (por === true && reduction !== 'sleep')
    throw new RangeError(`por: true is reduction 'sleep', not '${reduction}': pass one of them`);
  return reduction;
}

/** The per-actor key function of a reduction: the local id itself, or its channel-canonical id. */
export function stateKeyOf(world: ControlledWorld, mode: ReductionMode): (actor: number, local: number) => number {
  return mode === 'none' ? (_actor, local) => local : (actor, local) => world.canonical(actor, local);
}

/**
 * The Zobrist fingerprint (visited/fingerprint.ts) of a whole vector under a reduction's key,
 * into `out`: what the exhaustive search's visited set holds for that state. For passes that
 * fingerprint states themselves (the liveness state graph) and must identify the same states.
 */
export function keyedFingerprint(world: ControlledWorld, mode: ReductionMode, vec: Int32Array, out: Int32Array): void {
  zobristVec(vec, out, stateKeyOf(world, mode));
}
