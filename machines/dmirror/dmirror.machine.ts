/**
 * `drv:<name>` with profile `dmirror`: the kernel's HMM test device, lib/test_hmm.c
 * (docs/kernel-semantics.md §5): one open file of /dev/hmm_dmirror<n> (`struct dmirror`) with its
 * update mutex (`lock:<name>`), its device page table (an XArray, `context.table`) and one
 * interval notifier over the whole address space of the opener's mm (`sub:<name>`).
 *
 * Kernel functions modelled: dmirror_fops_open / _release, dmirror_fops_unlocked_ioctl with
 * READ, WRITE, MIGRATE_TO_DEV, MIGRATE_TO_SYS, SNAPSHOT, EXCLUSIVE, CHECK_EXCLUSIVE, RELEASE;
 * dmirror_fault / dmirror_range_fault (the bounded read_begin → hmm_range_fault → mutex →
 * read_retry loop in 64-page chunks); dmirror_interval_invalidate; the device's
 * migrate_to_ram erase (§5.8; the data copy itself is folded into the mm).
 *
 * Events in:  dmirror.cmd { replyTo, tid, cmd, addr?, npages?, data? }, drv.invalidate, and the
 *             replies core.insertResult, core.removeResult, mm.result (get, devRead, devWrite,
 *             migrateToDevice, migrateToSystem, makeExclusive, evictDevice), hmm.rangeResult,
 *             sub.readBeginResult, sub.retryResult, lock.granted, lock.busy.
 * Events out: dmirror.result { tid, cmd, result, counters?: { cpages, faults }, value? },
 *             drv.invalidateReturned; core.insert, core.remove; mm.get, mm.put, mm.devRead,
 *             mm.devWrite, mm.migrateToDevice, mm.migrateToSystem, mm.makeExclusive,
 *             mm.evictDevice, hmm.rangeFault; sub.readBegin, sub.readRetry, sub.setSeq;
 *             lock.acquire, lock.tryAcquire, lock.release. Observations: `sleep { tid, on }`.
 *
 * States: two parallel regions, `command` (command-region.ts) and `callback`
 * (callback-region.ts); both idle iff cmd = null ∧ callbacks = [].
 */

import { callbackRegion } from './callback-region.ts';
import { commandRegion } from './command-region.ts';
import { initialDmirrorContext } from './dmirror-context.ts';
import { dmirrorSetup } from './dmirror-setup.ts';

export const dmirrorMachine = dmirrorSetup.createMachine({
  id: 'dmirror',
  // The device table is replaced, never edited (device-table.ts copies it before a change): the
  // runtime keeps its text between snapshots (src/runtime/snapshot-key.ts).
  meta: { keptRecords: ['table'] },
  context: ({ input }) => initialDmirrorContext(input),
  type: 'parallel',
  states: {
    command: commandRegion,
    callback: callbackRegion,
  },
});
