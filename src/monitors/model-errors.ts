/**
 * Broken model assumptions the machines record in `context.errors` (a lock released by a
 * non-holder, an even set_seq, ...): reported as `model-error`, distinct from the properties.
 * A false return from a callback on a blockable range is its own property (`false-on-blockable`).
 */
import type { Monitor } from './monitor.ts';
import { NO_OTHER_ACTOR } from './topology.ts';

function errorsOf(ctx: unknown): unknown[] {
  const errors = (ctx as { errors?: unknown[] } | undefined)?.errors;
  return Array.isArray(errors) ? errors : [];
}

export const modelErrorMonitor: Monitor = {
  name: 'model-error',
  ...NO_OTHER_ACTOR,
  // Reads only the acting actor's own context before and after.
  interest: (_world, record) => (record.before !== record.after ? 'local' : 'skip'),
  onStep(ctx, record, before, after) {
    if (record.before === record.after) return null;
    const was = errorsOf(ctx.world.snapshot(before, record.step.actor).context);
    const now = errorsOf(ctx.world.snapshot(after, record.step.actor).context);
    if (now.length <= was.length) return null;
    const fresh = now.slice(was.length).map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    if (fresh.every((e) => /false.?on.?blockable|falseOnBlockable/i.test(e))) return null;
    return { kind: 'model-error', message: `${record.actor}: ${fresh.join('; ')}` };
  },
};
