/** A machine's state value as short text for messages and reports: `attached.idle`, `{drv.idle, cb.busy}`. */
import type { StateValue } from 'xstate';

export function stateText(value: StateValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const parts = Object.entries(value).map(([k, v]) => {
    const inner = stateText(v);
    return inner ? `${k}.${inner}` : k;
  });
  return parts.length === 1 ? parts[0] : `{${parts.join(', ')}}`;
}
