/**
 * The dmirror's initial context from its input, with the checks a scenario author needs when a
 * device is mis-declared (misuse throws with the bad value and the fix).
 */
import type { DeviceMemoryKind } from '../mm/types.ts';
import { retryBound } from '../retry-bound.ts';
import type { DmirrorContext, DmirrorInput } from './dmirror-types.ts';

/** /dev/hmm_dmirror0..3: the first two have device-private memory, the last two device-coherent. */
export const DMIRROR_DEVICES = 4;

export function deviceMemoryKind(device: number): DeviceMemoryKind {
  return device < 2 ? 'private' : 'coherent';
}

/** The pgmap owner every chunk of device `n` carries (the device itself, `dmirror->mdevice`). */
export function deviceOwner(device: number): string {
  return `hmm_dmirror${device}`;
}

export function initialDmirrorContext(input: DmirrorInput): DmirrorContext {
  for (const key of ['id', 'sub', 'lock', 'mm'] as const) {
    if (typeof input[key] !== 'string' || input[key] === '')
      throw new Error(`dmirror input '${key}' must be an actor id string, got ${JSON.stringify(input[key])}`);
  }
  if (!input.mm.startsWith('mm:')) throw new Error(`dmirror input 'mm' must look like 'mm:<proc>', got '${input.mm}'`);
  const device = input.device ?? 0;
  if (!Number.isInteger(device) || device < 0 || device >= DMIRROR_DEVICES)
    throw new Error(`dmirror option 'device' must be 0..${DMIRROR_DEVICES - 1} (/dev/hmm_dmirror<n>), got ${device}`);
  const pageSize = input.pageSize ?? 4096;
  const wordsPerPage = input.wordsPerPage ?? 1;
  if (!Number.isInteger(Math.log2(pageSize)) || !Number.isInteger(wordsPerPage) || wordsPerPage <= 0)
    throw new Error(`dmirror: pageSize must be a power of two and wordsPerPage a positive integer`);
  const maxRetries = retryBound(input.maxRetries, 'dmirror input');
  if ((input.bugs ?? []).length > 0)
    throw new Error(`dmirror has no planted bugs (got ${JSON.stringify(input.bugs)}); remove 'bugs' from the device`);
  return {
    id: input.id,
    profile: 'dmirror',
    sub: input.sub,
    lock: input.lock,
    mm: input.mm,
    core: `core:${input.mm.slice('mm:'.length)}`,
    device,
    owner: deviceOwner(device),
    memory: deviceMemoryKind(device),
    pageSize,
    wordsPerPage,
    maxRetries,
    open: input.subscribed ?? false,
    table: {},
    flags: 0,
    devmem: { chunks: 0, allocated: 0 },
    cmd: null,
    callbacks: [],
  };
}
