/**
 * The per-mm interval tree of interval subscriptions (the kernel's `itree` of
 * `mmu_interval_notifier` nodes, an augmented rbtree there), as an immutable value that can
 * live in machine context.
 *
 * Why not a balanced BST: the explorer interns snapshots by their JSON value, so two equal
 * sets of subscriptions must serialise equally. A rebalancing tree's shape depends on the
 * order of inserts and removes; this structure is a pure function of the set.
 *
 * Representation (plain JSON data):
 * - `nodes`: the subscriptions sorted by `start`, then `id` (inclusive `[start, last]`, as the
 *   kernel's tree nodes are). That is the canonical order, the order callbacks run in.
 * - `spans`: the "max last" augmentation, a sparse table: `spans[k - 1][i]` is the index of a
 *   node with the largest `last` among `nodes[i .. i + 2^k)`, for every k ≥ 1.
 *
 * Query "which nodes intersect [first, last]" (a node intersects iff `node.start <= last` and
 * `node.last >= first`):
 * 1. binary search for p, the number of nodes with `start <= last`: O(log n). Only
 *    `nodes[0 .. p)` can intersect;
 * 2. report every i < p with `nodes[i].last >= first`: take the position m of the maximum
 *    `last` in the current index window (O(1) with the sparse table); if it is below `first`
 *    nothing in the window intersects, stop; otherwise report m and recurse on the two halves
 *    beside it, left first (so results come out in array order, no sort needed). Every window
 *    either reports a node or stops, and each report opens at most two windows, so step 2
 *    costs O(k + 1).
 * Total O(log n + k). Insert and remove rebuild the table, O(n log n); the context is copied
 * and hashed (O(n)) on every step anyway, and queries (one per invalidation) are the hot path.
 */

/**
 * One subscription in the tree: inclusive `[start, last]`, `last = start + length - 1`.
 *
 * @example
 * ```ts
 * import type { IntervalNode } from 'mirrorlab';
 *
 * // A subscription of 16 pages at 0x10000.
 * const node: IntervalNode = { start: 0x10000, last: 0x10000 + 0x10000 - 1, id: 'sub:gpu0' };
 * ```
 */
export interface IntervalNode {
  start: number;
  last: number;
  id: string;
}

/**
 * The notifier core's interval tree of subscriptions (`NotifierCoreContext.tree`): the nodes
 * sorted by start, with a sparse table of max-`last` spans for stabbing queries.
 *
 * @example
 * ```ts
 * import type { IntervalTree } from 'mirrorlab';
 *
 * // The subscriptions an invalidation of [start, end) calls.
 * const overlapping = (tree: IntervalTree, start: number, end: number) =>
 *   tree.nodes.filter((n) => n.start < end && n.last >= start).map((n) => n.id);
 * ```
 */
export interface IntervalTree {
  /** Sorted by start, then id; ids are unique. */
  nodes: IntervalNode[];
  /** `spans[k - 1][i]`: index of a max-`last` node in `nodes[i .. i + 2^k)`. */
  spans: number[][];
}

export const EMPTY_INTERVAL_TREE: IntervalTree = { nodes: [], spans: [] };

/** The canonical order: by start, then id (plain code-unit comparison, locale-independent). */
export function compareIntervals(a: IntervalNode, b: IntervalNode): number {
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** A new tree with `node` added. Throws on a duplicate id (a caller bug: check `hasInterval`). */
export function insertInterval(tree: IntervalTree, node: IntervalNode): IntervalTree {
  if (hasInterval(tree, node.id)) throw new Error(`interval tree: id '${node.id}' is already in the tree`);
  if (node.last < node.start) throw new Error(`interval tree: empty node [${node.start}, ${node.last}]`);
  const copy = { start: node.start, last: node.last, id: node.id };
  const nodes = [...tree.nodes];
  nodes.splice(lowerBound(nodes, copy), 0, copy);
  return build(nodes);
}

/** A new tree without the node `id` (the same tree when absent). */
export function removeInterval(tree: IntervalTree, id: string): IntervalTree {
  if (!hasInterval(tree, id)) return tree;
  return build(tree.nodes.filter((n) => n.id !== id));
}

export function hasInterval(tree: IntervalTree, id: string): boolean {
  return tree.nodes.some((n) => n.id === id);
}

/** Nodes intersecting the range `[start, end)` (exclusive end, as `mmu_notifier_range`),
 * in canonical order. Like the kernel, the test is made against `end - 1`. */
export function queryRange(tree: IntervalTree, start: number, end: number): IntervalNode[] {
  return queryInclusive(tree, start, end - 1);
}

/** Nodes intersecting the inclusive interval `[first, last]`, in canonical order. */
export function queryInclusive(tree: IntervalTree, first: number, last: number): IntervalNode[] {
  const { nodes } = tree;
  const p = countStartingAtOrBefore(nodes, last);
  const out: IntervalNode[] = [];
  const report = (lo: number, hi: number): void => {
    if (lo >= hi) return;
    const m = argMaxLast(tree, lo, hi);
    if (nodes[m].last < first) return;
    report(lo, m);
    out.push(nodes[m]);
    report(m + 1, hi);
  };
  report(0, p);
  return out;
}

/** Ids of all nodes in canonical order. */
export function intervalIds(tree: IntervalTree): string[] {
  return tree.nodes.map((n) => n.id);
}

function build(nodes: IntervalNode[]): IntervalTree {
  const spans: number[][] = [];
  let prev: number[] = nodes.map((_, i) => i);
  for (let width = 2; width <= nodes.length; width *= 2) {
    const half = width / 2;
    const level: number[] = [];
    for (let i = 0; i + width <= nodes.length; i++) {
      const a = prev[i];
      const b = prev[i + half];
      level.push(nodes[a].last >= nodes[b].last ? a : b);
    }
    spans.push(level);
    prev = level;
  }
  return { nodes, spans };
}

/** Index of a max-`last` node in `nodes[lo .. hi)`, hi > lo, in O(1). */
function argMaxLast(tree: IntervalTree, lo: number, hi: number): number {
  const k = 31 - Math.clz32(hi - lo);
  if (k === 0) return lo;
  const level = tree.spans[k - 1];
  const a = level[lo];
  const b = level[hi - 2 ** k];
  return tree.nodes[a].last >= tree.nodes[b].last ? a : b;
}

/** Number of nodes with `start <= x` (they form a prefix of the sorted array). */
function countStartingAtOrBefore(nodes: IntervalNode[], x: number): number {
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (nodes[mid].start <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Insert position of `node` in canonical order. */
function lowerBound(nodes: IntervalNode[], node: IntervalNode): number {
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIntervals(nodes[mid], node) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
