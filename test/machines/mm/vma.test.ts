import { describe, expect, it } from 'vitest';
import { MMAP_BASE } from '../../../machines/mm/types.ts';
import { findGap, insertVma, makeVma, rangeFullyMapped, removeRange, updateRange } from '../../../machines/mm/vma.ts';
import { anonVma, MmKit, PAGE } from './mm-test-kit.ts';

const A = 0x200000;

describe('mm vma list', () => {
  it('should split a VMA when the middle is removed and move the file offset of the tail', () => {
    const file = makeVma({
      start: A,
      end: A + 4 * PAGE,
      read: true,
      write: false,
      shared: true,
      backing: 'file',
      file: 'f',
      pgoff: 2,
    });
    expect(removeRange([file], A + PAGE, A + 2 * PAGE, PAGE).map((v) => [v.start, v.end, v.pgoff])).toEqual([
      [A, A + PAGE, 2],
      [A + 2 * PAGE, A + 4 * PAGE, 4],
    ]);
  });

  it('should merge neighbours with equal attributes and keep different ones apart', () => {
    const merged = insertVma([anonVma(A, 1)], anonVma(A + PAGE, 1), PAGE);
    expect(merged).toEqual([anonVma(A, 2)]);
    const apart = insertVma([anonVma(A, 1)], anonVma(A + PAGE, 1, { write: false }), PAGE);
    expect(apart).toHaveLength(2);
  });

  it('should change attributes only inside the range', () => {
    const out = updateRange([anonVma(A, 3)], A + PAGE, A + 2 * PAGE, PAGE, { write: false });
    expect(out.map((v) => [v.start, v.write])).toEqual([
      [A, true],
      [A + PAGE, false],
      [A + 2 * PAGE, true],
    ]);
  });

  it('should tell fully mapped ranges from ranges with holes', () => {
    const vmas = [anonVma(A, 1), anonVma(A + PAGE, 1, { write: false }), anonVma(A + 3 * PAGE, 1)];
    expect(rangeFullyMapped(vmas, A, A + 2 * PAGE)).toBe(true);
    expect(rangeFullyMapped(vmas, A, A + 4 * PAGE)).toBe(false);
  });

  it('should find the lowest aligned gap at or above the base', () => {
    expect(findGap([], PAGE, PAGE, MMAP_BASE)).toBe(MMAP_BASE);
    expect(findGap([anonVma(MMAP_BASE, 2)], PAGE, PAGE, MMAP_BASE)).toBe(MMAP_BASE + 2 * PAGE);
    expect(findGap([anonVma(MMAP_BASE, 1)], PAGE, 0x200000, MMAP_BASE)).toBe(0x200000);
  });
});

describe('mm context canonical form', () => {
  it('should serialise equal address spaces equally whatever the order of operations', () => {
    const build = (order: string[]) => {
      const k = new MmKit();
      for (const f of order) k.mmapAnon(order.indexOf(f) === 0 ? A : A + 8 * PAGE, 1, { backing: 'file', file: f });
      // Touch the second mapping first, so the page cache is filled in the other order.
      k.request({ type: 'mm.read', addr: A + 8 * PAGE });
      k.request({ type: 'mm.read', addr: A });
      return k.ctx.files;
    };
    expect(Object.keys(build(['b', 'a']))).toEqual(['a', 'b']);
  });
});
