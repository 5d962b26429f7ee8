import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareIntervals,
  EMPTY_INTERVAL_TREE,
  hasInterval,
  type IntervalNode,
  type IntervalTree,
  insertInterval,
  intervalIds,
  queryInclusive,
  queryRange,
  removeInterval,
} from '../../machines/interval-tree.ts';

function treeOf(nodes: IntervalNode[]): IntervalTree {
  return nodes.reduce(insertInterval, EMPTY_INTERVAL_TREE);
}

/** The naive model: a list, filtered and sorted on every query. */
function naiveQuery(nodes: IntervalNode[], first: number, last: number): IntervalNode[] {
  return nodes.filter((n) => n.start <= last && n.last >= first).sort(compareIntervals);
}

describe('interval-tree', () => {
  const a = { start: 0x1000, last: 0x1fff, id: 'sub:a' };
  const b = { start: 0x3000, last: 0x5fff, id: 'sub:b' };
  const c = { start: 0x3000, last: 0x3fff, id: 'sub:a2' };
  const big = { start: 0, last: 0xffff, id: 'sub:z' };

  it('should find nothing in an empty tree', () => {
    expect(queryRange(EMPTY_INTERVAL_TREE, 0, 2 ** 53)).toEqual([]);
  });

  it('should treat the range end as exclusive and node last as inclusive', () => {
    const t = treeOf([a]);
    expect(queryRange(t, 0, 0x1000)).toEqual([]);
    expect(queryRange(t, 0, 0x1001)).toEqual([a]);
    expect(queryRange(t, 0x1fff, 0x2000)).toEqual([a]);
    expect(queryRange(t, 0x2000, 0x3000)).toEqual([]);
  });

  it('should return intersecting nodes by start, then id', () => {
    const t = treeOf([b, big, c, a]);
    expect(queryRange(t, 0x1800, 0x3800).map((n) => n.id)).toEqual(['sub:z', 'sub:a', 'sub:a2', 'sub:b']);
    expect(queryRange(t, 0x4000, 0x5000).map((n) => n.id)).toEqual(['sub:z', 'sub:b']);
  });

  it('should serialise equal sets equally whatever the insertion order', () => {
    const t1 = treeOf([a, b, c, big]);
    const t2 = removeInterval(treeOf([big, c, { start: 7, last: 9, id: 'x' }, b, a]), 'x');
    expect(JSON.stringify(t1)).toBe(JSON.stringify(t2));
  });

  it('should remove by id and leave the input tree unchanged', () => {
    const t = treeOf([a, b]);
    const before = JSON.stringify(t);
    const t2 = removeInterval(t, 'sub:a');
    expect(JSON.stringify(t)).toBe(before);
    expect(intervalIds(t2)).toEqual(['sub:b']);
    expect(hasInterval(t2, 'sub:a')).toBe(false);
    expect(removeInterval(t2, 'nope')).toBe(t2);
  });

  it('should reject a duplicate id', () => {
    expect(() => insertInterval(treeOf([a]), { ...b, id: 'sub:a' })).toThrow(/already in the tree/);
  });

  it('should match a naive list for any sequence of inserts, removes and queries', () => {
    const coord = fc.integer({ min: 0, max: 64 });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), id: fc.integer({ min: 0, max: 12 }), s: coord, len: coord }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant('query' as const), s: coord, len: coord }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let tree = EMPTY_INTERVAL_TREE;
        let list: IntervalNode[] = [];
        for (const o of ops) {
          if (o.kind === 'insert') {
            const id = `sub:${o.id}`;
            if (list.some((n) => n.id === id)) continue;
            const node = { start: o.s, last: o.s + o.len, id };
            tree = insertInterval(tree, node);
            list.push(node);
          } else if (o.kind === 'remove') {
            tree = removeInterval(tree, `sub:${o.id}`);
            list = list.filter((n) => n.id !== `sub:${o.id}`);
          } else {
            expect(queryInclusive(tree, o.s, o.s + o.len)).toEqual(naiveQuery(list, o.s, o.s + o.len));
          }
          expect(tree).toEqual(treeOf([...list].sort(compareIntervals)));
        }
        expect(queryInclusive(tree, 0, 200)).toEqual(naiveQuery(list, 0, 200));
      }),
      { numRuns: 300 },
    );
  });
});
