/**
 * The kernel error numbers the model uses, as negative values the way kernel functions return
 * them (`-EBUSY` from hmm_range_fault is `EBUSY` here), and `errnoName` for printing one.
 * Exported from the package as the namespace `errno`.
 *
 * @example
 * ```ts
 * import { errno } from 'mirrorlab';
 *
 * errno.EBUSY; // -16
 * errno.errnoName(-16); // '-EBUSY'
 * const restart = (result: number) => result === errno.EBUSY || result === errno.EAGAIN;
 * ```
 * @module
 */
/** The kernel error numbers the model returns, as negative values like the kernel does. */
export const EPERM = -1;
export const ENOENT = -2;
export const EINTR = -4;
export const EIO = -5;
export const EAGAIN = -11;
export const ENOMEM = -12;
export const EFAULT = -14;
export const EBUSY = -16;
export const EINVAL = -22;
export const EOVERFLOW = -75;
export const EDEADLK = -35;
export const ETIME = -62;
export const ERESTARTSYS = -512;

const NAMES: Record<number, string> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [EINTR]: 'EINTR',
  [EIO]: 'EIO',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EFAULT]: 'EFAULT',
  [EBUSY]: 'EBUSY',
  [EINVAL]: 'EINVAL',
  [EOVERFLOW]: 'EOVERFLOW',
  [EDEADLK]: 'EDEADLK',
  [ETIME]: 'ETIME',
  [ERESTARTSYS]: 'ERESTARTSYS',
};

/** `-14` → `-EFAULT`, `0` → `0`, a positive value stays a number. */
export function errnoName(code: number): string {
  if (code >= 0) return String(code);
  const name = NAMES[code];
  return name ? `-${name}` : String(code);
}

/** `-EFAULT` or `EFAULT` → -14; a number passes through. Throws on an unknown name. */
export function parseErrno(value: string | number): number {
  if (typeof value === 'number') return value;
  const name = value.replace(/^-/, '');
  for (const [code, n] of Object.entries(NAMES)) if (n === name) return Number(code);
  if (/^-?\d+$/.test(value)) return Number(value);
  throw new Error(`unknown errno '${value}': use a number or one of ${Object.values(NAMES).join(', ')}`);
}
