/**
 * The candidate symmetry group of a world (issue 12 item 2): the replicas a `replicas:` block
 * expands to, permuted together, and the renaming each permutation makes of actor names, message
 * payloads and snapshot contents.
 *
 * A block `gpu${i}: { replicas: N }` expands to names gpu0 .. gpu{N-1}, and the actors built from
 * them carry the name as their last `:` segment (dev:gpu0, drv:gpu0, sub:gpu0, lock:gpu0, and
 * thread:drv0 for a thread block `drv${i}`). So the world alone says which names are replicas:
 * every family of names `<prefix><k>` whose indices are exactly 0..N-1. All families with the same
 * N are permuted by one index permutation at once (device k, its driver, lock, subscription and
 * thread k move together). This is only a candidate: symmetry.ts keeps the permutations that fix
 * the start state and checks every explored step against its image, and refuses otherwise.
 */

/** Why symmetry is not used, in one line (`stats.symmetry.refused`); thrown during a search by a failed check. */
export class SymmetryRefused extends Error {
  override readonly name = 'SymmetryRefused';
}

/** The most replicas a group may permute: every state tries all N! images (5! = 120). */
export const MAX_REPLICAS = 5;

/** How one permutation of replica indices renames things: whole names, and the actors they make. */
export interface Renaming {
  /** `gpu0 → gpu1`, ... (only names that move). */
  readonly names: ReadonlyMap<string, string>;
  /** Actor index → the index of its image. */
  readonly actors: Int32Array;
  /** `gpu0↔gpu1, drv0↔drv1`, for reasons. */
  readonly label: string;
}

/** A replica block found in the actor names: its families (`gpu`, `drv`) and its size. */
export interface ReplicaBlock {
  families: string[];
  count: number;
}

const INDEXED = /^(.*\D)(\d+)$/;

/** The largest family block of replica names among the actor ids, or why there is none. */
export function replicaBlock(ids: readonly string[]): ReplicaBlock | string {
  const indices = new Map<string, Set<number>>();
  for (const id of ids) {
    const m = INDEXED.exec(id.slice(id.lastIndexOf(':') + 1));
    if (!m || (m[2].length > 1 && m[2].startsWith('0'))) continue;
    const set = indices.get(m[1]) ?? new Set<number>();
    indices.set(m[1], set);
    set.add(Number(m[2]));
  }
  const bySize = new Map<number, string[]>();
  for (const [family, set] of indices) {
    const n = set.size;
    if (n < 2 || Math.max(...set) !== n - 1) continue; // not exactly 0..n-1: not a replica block
    bySize.set(n, [...(bySize.get(n) ?? []), family]);
  }
  if (bySize.size === 0) return 'no replicas: no two actors differ only by a replica index';
  const count = Math.max(...bySize.keys());
  if (count > MAX_REPLICAS)
    return `${count} replicas: symmetry tries all ${count}! images of each state and stops at ${MAX_REPLICAS} replicas`;
  return { families: bySize.get(count)!.sort(), count };
}

/** Every permutation of 0..n-1 but the identity (Heap's algorithm would do; n ≤ 5 keeps this simple). */
export function permutations(n: number): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) {
      if (prefix.some((x, k) => x !== k)) out.push(prefix);
      return;
    }
    for (let k = 0; k < rest.length; k++)
      walk(
        [...prefix, rest[k]],
        rest.filter((_, j) => j !== k),
      );
  };
  walk([], [...Array(n).keys()]);
  return out;
}

/** The renaming permutation `perm` of the block makes, or why it makes none (an image is no actor). */
export function renamingOf(block: ReplicaBlock, perm: number[], ids: readonly string[]): Renaming | string {
  const names = new Map<string, string>();
  for (const f of block.families)
    for (let k = 0; k < block.count; k++) if (perm[k] !== k) names.set(`${f}${k}`, `${f}${perm[k]}`);
  const index = new Map(ids.map((id, i) => [id, i]));
  const actors = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const image = renameName(ids[i], names);
    const j = index.get(image);
    if (j === undefined) return `renaming ${ids[i]} gives ${image}, which is no actor of this world`;
    actors[i] = j;
  }
  const moved = perm.flatMap((x, k) => (x !== k ? [`${k}→${x}`] : []));
  return { names, actors, label: `replicas ${moved.join(', ')} (${block.families.join(', ')})` };
}

/** A name with each whole `:`-separated part renamed. */
export function renameName(s: string, names: ReadonlyMap<string, string>): string {
  if (!s.includes(':')) return names.get(s) ?? s;
  return s
    .split(':')
    .map((part) => names.get(part) ?? part)
    .join(':');
}
