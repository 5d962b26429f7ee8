/**
 * SNAPSHOT's per-page byte (`dmirror_mkentry`, test_hmm_uapi.h values, docs/kernel-semantics.md §5.7):
 * what the walk reported for a page, as the selftests check it.
 */
import type { HmmPfn } from '../mm/hmm-walk.ts';

export const PROT = {
  ERROR: 0xff,
  NONE: 0x00,
  READ: 0x01,
  WRITE: 0x02,
  PMD: 0x04,
  PUD: 0x08,
  ZERO: 0x10,
  DEV_PRIVATE_LOCAL: 0x20,
  DEV_PRIVATE_REMOTE: 0x30,
  DEV_COHERENT_LOCAL: 0x40,
  DEV_COHERENT_REMOTE: 0x50,
} as const;

/** The byte for one walk output; `owner` is this device, the orders are PMD's and PUD's map order. */
export function snapshotByte(p: HmmPfn, owner: string, pmdOrder: number, pudOrder: number): number {
  if (p.error) return PROT.ERROR;
  if (!p.valid) return PROT.NONE;
  let byte: number = PROT.NONE;
  if (p.zone === 'devicePrivate') byte = p.owner === owner ? PROT.DEV_PRIVATE_LOCAL : PROT.DEV_PRIVATE_REMOTE;
  else if (p.zone === 'deviceCoherent') byte = p.owner === owner ? PROT.DEV_COHERENT_LOCAL : PROT.DEV_COHERENT_REMOTE;
  else if (p.zone === 'zero') byte = PROT.ZERO;
  byte |= p.write ? PROT.WRITE : PROT.READ;
  if (p.order === pmdOrder) byte |= PROT.PMD;
  else if (p.order === pudOrder) byte |= PROT.PUD;
  return byte;
}
