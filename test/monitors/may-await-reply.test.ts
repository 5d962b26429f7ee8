/**
 * `mayAwaitReply` (src/monitors/liveness.ts): which machines can have a request outstanding,
 * so the liveness pass scans only their actors' columns. A machine left out wrongly would hide
 * its livelocks, so nested states count too.
 */

import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { deviceMachine } from '../../machines/device.machine.ts';
import { ptLockMachine } from '../../machines/pt-lock.machine.ts';
import { AWAITING_REPLY_TAG } from '../../machines/tags.ts';
import { threadMachine } from '../../machines/thread.machine.ts';
import { mayAwaitReply } from '../../src/monitors/liveness.ts';

describe('mayAwaitReply', () => {
  it('should be true for the machines with an awaitingReply state, false for the others', () => {
    expect(mayAwaitReply(threadMachine)).toBe(true);
    expect(mayAwaitReply(deviceMachine)).toBe(true);
    expect(mayAwaitReply(ptLockMachine)).toBe(false);
  });

  it('should find the tag in a nested state of a user machine', () => {
    const nested = createMachine({
      initial: 'idle',
      states: { idle: {}, busy: { initial: 'a', states: { a: {}, b: { tags: [AWAITING_REPLY_TAG] } } } },
    });
    expect(mayAwaitReply(nested)).toBe(true);
    expect(mayAwaitReply(createMachine({ initial: 'idle', states: { idle: { tags: ['other'] } } }))).toBe(false);
  });
});
