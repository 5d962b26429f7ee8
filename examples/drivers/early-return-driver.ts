// early-return-driver.ts: a DELIBERATELY BROKEN custom driver, for trying `check --driver`.
// It is the minimal driver of docs/driver-protocol.md (./minimal-driver.ts) except that its
// invalidate callback returns before the device has confirmed the zap, breaking rule 6 ("zap
// and wait for the TLB flush before returning true"): the core may then change the CPU PTE and
// free the page while the device can still reach it.
//   node bin/mirrorlab.mjs check --driver examples/drivers/early-return-driver.ts
import { assign, enqueueActions, setup } from 'xstate';
import { kernelActions } from '../../machines/kernel-actions.ts';
import minimal from './minimal-driver.ts';

type Cb = { sub: string; tid: string; start: number; end: number; curSeq: number };
const send = (to: string, event: Record<string, unknown> & { type: string }) => ({
  type: 'kSend' as const,
  params: { to, event },
});

const config = minimal.config as any;
const callback = config.states.callback;

export default setup({
  actions: { ...kernelActions },
  guards: minimal.implementations.guards as any,
}).createMachine({
  ...config,
  id: 'early-return-driver',
  states: {
    ...config.states,
    callback: {
      ...callback,
      meta: { ignore: { 'dev.zapped': 'the flush confirmation arrives after the callback already returned' } },
      states: {
        ...callback.states,
        zapping: {
          // THE BUG: post the zap, then unlock and return at once instead of waiting for
          // `dev.zapped` (the device TLB flush).
          always: {
            target: 'idle',
            actions: [
              enqueueActions(
                ({
                  context,
                  enqueue,
                }: {
                  context: { cb: Cb; dev: string; lock: string; id: string };
                  enqueue: any;
                }) => {
                  const { sub, tid, start, end, curSeq } = context.cb;
                  enqueue(send(sub, { type: 'sub.setSeq', curSeq }));
                  enqueue(send(context.dev, { type: 'dev.zap', replyTo: context.id, tid, start, end }));
                  enqueue(send(context.lock, { type: 'lock.release', tid }));
                  enqueue(send(sub, { type: 'drv.invalidateReturned', sub, ok: true, tid }));
                },
              ),
              assign({ cb: null }),
            ],
          },
        },
      },
    },
  },
} as any);
