/**
 * The driver types a custom module needs are exported from the package entry (issue 13 item
 * 7): its input, its context, and the messages it takes. `npm test` type-checks this file.
 */

import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import {
  type DriverContext,
  type DriverEvent,
  type DriverInput,
  type DrvFault,
  type DrvInvalidate,
  driverProfiles,
  kernelActions,
} from '../../src/index.ts';
import { MachineHarness } from '../../src/testing/index.ts';

// A custom driver typed with the exported types: it answers every fault with -EFAULT.
const refusing = setup({
  types: { context: {} as { id: string; faults: number }, events: {} as DriverEvent, input: {} as DriverInput },
  actions: { ...kernelActions },
}).createMachine({
  id: 'refusing',
  context: ({ input }) => ({ id: input.id, faults: 0 }),
  on: {
    'drv.fault': {
      actions: {
        type: 'kSend',
        params: ({ event }) => {
          const { replyTo, tid } = event as DrvFault;
          return { to: replyTo, event: { type: 'drv.faultResult', tid, result: -14 } };
        },
      },
    },
  },
});

describe('driver types from the package entry', () => {
  it('should type a custom driver and drive a built-in with them', () => {
    const input: DriverInput = {
      id: 'drv:gpu0',
      profile: 'custom',
      sub: 'sub:gpu0',
      lock: 'lock:gpu0',
      mm: 'mm:p1',
      core: 'core:p1',
      dev: 'dev:gpu0',
    };
    const fault: DrvFault = {
      type: 'drv.fault',
      replyTo: 'thread:t',
      tid: 'thread:t',
      start: 0,
      end: 4096,
      write: true,
    };
    const custom = new MachineHarness(refusing, { ...input });
    custom.send(fault);
    expect(custom.last.sends).toEqual([
      { to: 'thread:t', event: { type: 'drv.faultResult', tid: 'thread:t', result: -14 } },
    ]);
    const builtin = new MachineHarness(driverProfiles['shadow-pte'], { ...input });
    const cb: DrvInvalidate = {
      type: 'drv.invalidate',
      sub: 'sub:gpu0',
      start: 0,
      end: 4096,
      curSeq: 3,
      event: 'MIGRATE',
      owner: 'gpu0',
      blockable: true,
    };
    builtin.send({ ...cb, owner: 'drv:gpu0' });
    const context = builtin.context as unknown as DriverContext;
    expect(context.profile).toBe('shadow-pte');
    expect(builtin.last.sends.map((s) => s.event.type)).toEqual(['drv.invalidateReturned']);
  });
});
