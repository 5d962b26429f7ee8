import { describe, expect, it } from 'vitest';
import { firstDifference, parsePattern, patternValues } from '../../machines/dmirror/buffer-pattern.ts';
import { PROT, snapshotByte } from '../../machines/dmirror/snapshot-bytes.ts';
import { EPERM } from '../../machines/errno.ts';
import { threadMachine } from '../../machines/thread.machine.ts';
import { MachineHarness } from '../../src/testing/index.ts';

describe('buffer patterns', () => {
  it('should stand for i, -i, i + c and constant segments over the whole array', () => {
    expect(patternValues(parsePattern({}), 4)).toEqual([0, 1, 2, 3]);
    expect(patternValues(parsePattern({ scale: -1, add: 2 }), 3)).toEqual([2, 1, 0]);
    expect(patternValues(parsePattern([{ count: 2, const: 0 }, {}]), 4)).toEqual([0, 0, 2, 3]);
  });

  it('should name the first differing word, and a wrong length', () => {
    const p = parsePattern([{ count: 2, const: 0 }, {}]);
    expect(firstDifference(p, [0, 0, 2, 3])).toBeNull();
    expect(firstDifference(p, [0, 0, 2, 4])).toEqual({ at: 3, expected: 3, got: 4 });
    expect(firstDifference(parsePattern({ count: 2, const: 1 }), [1, 1, 1])).toMatchObject({ got: '3 words' });
    expect(firstDifference(p, 'nope')).toMatchObject({ expected: 'an array of words' });
  });

  it('should reject malformed patterns with the fix', () => {
    expect(() => parsePattern([{}, { const: 1 }])).toThrow(/only the last segment/);
    expect(() => parsePattern({ step: 1 })).toThrow(/unknown key 'step'/);
  });
});

describe('SNAPSHOT bytes (dmirror_mkentry)', () => {
  const out = { addr: 0, pfn: 1, gen: 1, version: 1, valid: true, write: true, error: false, order: 0 };
  it('should encode error, none, zero, device-private and -coherent pages with their access and order', () => {
    expect(snapshotByte({ ...out, error: true }, 'd0', 9, 18)).toBe(PROT.ERROR);
    expect(snapshotByte({ ...out, valid: false }, 'd0', 9, 18)).toBe(PROT.NONE);
    expect(snapshotByte(out, 'd0', 9, 18)).toBe(0x02);
    expect(snapshotByte({ ...out, write: false, zone: 'zero' }, 'd0', 9, 18)).toBe(0x11);
    expect(snapshotByte({ ...out, zone: 'devicePrivate', owner: 'd0' }, 'd0', 9, 18)).toBe(0x22);
    expect(snapshotByte({ ...out, zone: 'deviceCoherent', owner: 'd1' }, 'd0', 9, 18)).toBe(0x52);
    expect(snapshotByte({ ...out, order: 9 }, 'd0', 9, 18)).toBe(0x06);
    expect(snapshotByte({ ...out, write: false, order: 18 }, 'd0', 9, 18)).toBe(0x09);
  });
});

describe('threadMachine counters and data expectations', () => {
  const T = 'thread:t1';
  const op = (expect: object) => ({ to: 'drv:d0', event: { type: 'dmirror.cmd' }, reply: 'dmirror.result', expect });
  function run(ops: ReturnType<typeof op>[], replies: object[]) {
    const h = new MachineHarness(threadMachine, { id: T, ops });
    h.send({ type: 'thread.run' });
    for (const r of replies) h.send({ type: 'dmirror.result', tid: T, ...r });
    return h;
  }

  it('should keep the counters of the last successful reply across an error, like the ioctl struct', () => {
    const h = run(
      [op({ result: 0 }), op({ result: EPERM, counters: { cpages: 1, faults: 1 } })],
      [{ result: 0, counters: { faults: 1, cpages: 1 } }, { result: EPERM }],
    );
    expect(h.context.counters).toEqual({ cpages: 1, faults: 1 });
    expect(h.context.mismatches).toEqual([]);
  });

  it('should report the first word that differs from the data pattern, and wrong counters', () => {
    const h = run(
      [op({ result: 0, data: [{}] }), op({ result: 0, counters: { cpages: 4 } })],
      [
        { result: 0, value: [0, 1, 5], counters: { cpages: 3, faults: 1 } },
        { result: 0, counters: { cpages: 3, faults: 0 } },
      ],
    );
    expect(h.context.mismatches).toEqual([
      { op: 0, label: null, expected: { data: { at: 2, value: 2 } }, got: { data: { at: 2, value: 5 } } },
      { op: 1, label: null, expected: { cpages: 4 }, got: { cpages: 3 } },
    ]);
  });

  it('should accept any error with acceptErrors, and still check a success', () => {
    const h = run(
      [op({ acceptErrors: true, result: 0, data: [{}] }), op({ acceptErrors: true, result: 0, data: [{}] })],
      [{ result: -14 }, { result: 0, value: [1] }],
    );
    expect(h.context.mismatches).toHaveLength(1);
    expect(h.context.mismatches).toMatchObject([{ op: 1 }]);
  });
});
