// A corpus driver that differs from the docs' minimal driver (../../minimal-driver.ts) in a few
// states: the author copies the driver and edits the states where the bug (or the variation)
// is. Only the named states are replaced; every other state, guard and the context are the
// minimal driver's.
import { and, enqueueActions, setup } from 'xstate';
import { kernelActions } from '../../../../machines/kernel-actions.ts';
import minimal from '../../minimal-driver.ts';
import { send } from './effects.ts';

type StateConfig = Record<string, any>;
type Guard = (args: { context: any; event: any }) => boolean;

export interface MinimalVariant {
  id: string;
  /** Replacement (or new) states of the fault region. */
  fault?: Record<string, StateConfig>;
  /** Replacement (or new) states of the callback region. */
  callback?: Record<string, StateConfig>;
  /** Extra `meta` (defer / ignore) on a region. */
  faultMeta?: StateConfig;
  callbackMeta?: StateConfig;
  guards?: Record<string, Guard>;
}

const config = minimal.config as any;

/** A state of the minimal driver as written, to copy and edit. */
export function minimalState(regionName: 'fault' | 'callback', state: string): StateConfig {
  return config.states[regionName].states[state];
}

function region(name: 'fault' | 'callback', states: Record<string, StateConfig> = {}, meta?: StateConfig) {
  const base = config.states[name];
  return { ...base, ...(meta ? { meta } : {}), states: { ...base.states, ...states } };
}

/** The minimal driver's `walking` state, except that a successful walk goes to `target`. */
export function walkingThen(target: string): StateConfig {
  const walking = minimalState('fault', 'walking');
  const results = walking.on['hmm.rangeResult'] as StateConfig[];
  return {
    ...walking,
    on: { 'hmm.rangeResult': results.map((t, i) => (i === results.length - 1 ? { ...t, target } : t)) },
  };
}

/**
 * A seq check made without the update lock (`sub.readRetry` or the `sub.checkRetry` hint):
 * a collision restarts the fault, a clean check goes on to take the lock.
 */
export function unlockedSeqCheck(type: 'sub.readRetry' | 'sub.checkRetry'): StateConfig {
  return {
    meta: { defer: ['drv.fault'] },
    entry: enqueueActions(({ context: c, enqueue }: any) =>
      enqueue(send(c.sub, { type, replyTo: c.id, tid: c.req.tid, seq: c.req.seq })),
    ),
    on: {
      'sub.retryResult': [
        { guard: and(['forRequest', 'seqCollided']), target: 'retry' },
        { guard: 'forRequest', target: 'locking' },
      ],
    },
  };
}

/** Callback entry that posts the zap of the invalidated range, and no set_seq. */
export const zapWithoutSetSeq = enqueueActions(({ context: c, enqueue }: any) => {
  const { tid, start, end } = c.cb;
  enqueue(send(c.dev, { type: 'dev.zap', replyTo: c.id, tid, start, end }));
});

export function minimalVariant(v: MinimalVariant) {
  return setup({
    actions: { ...kernelActions },
    guards: { ...(minimal.implementations.guards as Record<string, Guard>), ...v.guards },
  }).createMachine({
    ...config,
    id: v.id,
    states: {
      fault: region('fault', v.fault, v.faultMeta),
      callback: region('callback', v.callback, v.callbackMeta),
    },
  } as any);
}
