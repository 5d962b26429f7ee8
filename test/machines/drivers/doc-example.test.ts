/**
 * The complete driver example of docs/driver-protocol.md must load and behave: extract it,
 * point its `mirrorlab` import at this checkout, and drive it like any driver.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { EBUSY } from '../../../machines/errno.ts';
import { MachineHarness } from '../../../src/testing/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function extractExample(): string {
  const doc = readFileSync(join(root, 'docs/driver-protocol.md'), 'utf8');
  const m = doc.match(/<!-- driver-example:begin -->\n```ts\n([\s\S]*?)```\n<!-- driver-example:end -->/);
  if (!m) throw new Error('docs/driver-protocol.md: the driver example block is missing');
  return m[1].replaceAll("from 'mirrorlab'", `from '${join(root, 'src/index.ts')}'`);
}

describe('docs/driver-protocol.md example driver', () => {
  let machine: AnyStateMachine;
  const input = { id: 'drv:gpu0', sub: 'sub:gpu0', lock: 'lock:gpu0', mm: 'mm:p1', dev: 'dev:gpu0', maxRetries: 1 };
  const T1 = 'thread:t1';

  beforeAll(async () => {
    // node_modules/.cache is ignored by git and lets the module resolve 'xstate'.
    const dir = join(root, 'node_modules/.cache/mirrorlab-doc-example');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'my-driver.ts');
    writeFileSync(file, extractExample());
    machine = ((await import(pathToFileURL(file).href)) as { default: AnyStateMachine }).default;
  });

  const types = (h: MachineHarness) => h.last.sends.map((s) => `${s.to} ${s.event.type}`);

  it('should follow the canonical fault path', () => {
    const h = new MachineHarness(machine, input);
    h.send({ type: 'drv.fault', replyTo: T1, tid: T1, start: 4096, end: 8192, write: true });
    expect(types(h)).toEqual(['sub:gpu0 sub.readBegin']);
    h.send({ type: 'sub.readBeginResult', sub: 'sub:gpu0', tid: T1, seq: 3 });
    const pfns = [{ addr: 4096, pfn: 9, gen: 1, version: 2, valid: true, write: true }];
    h.send({ type: 'hmm.rangeResult', tid: T1, result: 0, pfns });
    expect(types(h)).toEqual(['lock:gpu0 lock.acquire']);
    h.send({ type: 'lock.granted', lock: 'lock:gpu0', tid: T1, mode: 'write' });
    expect(types(h)).toEqual(['sub:gpu0 sub.readRetry']);
    h.send({ type: 'sub.retryResult', sub: 'sub:gpu0', tid: T1, retry: false });
    expect(types(h)).toEqual(['dev:gpu0 dev.map', 'lock:gpu0 lock.release', `${T1} drv.faultResult`]);
  });

  it('should bound its retries', () => {
    const h = new MachineHarness(machine, input);
    h.send({ type: 'drv.fault', replyTo: T1, tid: T1, start: 4096, end: 8192, write: true });
    for (let i = 0; i < 2; i++) {
      h.send({ type: 'sub.readBeginResult', sub: 'sub:gpu0', tid: T1, seq: 3 });
      h.send({ type: 'hmm.rangeResult', tid: T1, result: EBUSY, pfns: [] });
    }
    expect(h.last.sends.map((s) => s.event)).toEqual([{ type: 'drv.faultResult', tid: T1, result: EBUSY }]);
  });

  it('should run the invalidate callback and the non-blockable trylock path', () => {
    const inv = {
      type: 'drv.invalidate',
      sub: 'sub:gpu0',
      start: 0,
      end: 8192,
      curSeq: 5,
      event: 'CLEAR',
      owner: null,
    };
    const h = new MachineHarness(machine, input);
    h.send({ ...inv, blockable: true, tid: 'thread:t2' });
    h.send({ type: 'lock.granted', lock: 'lock:gpu0', tid: 'thread:t2', mode: 'write' });
    expect(types(h)).toEqual(['sub:gpu0 sub.setSeq', 'dev:gpu0 dev.zap']);
    h.send({ type: 'dev.zapped', tid: 'thread:t2' });
    expect(types(h)).toEqual(['lock:gpu0 lock.release', 'sub:gpu0 drv.invalidateReturned']);
    h.send({ ...inv, blockable: false, tid: 'thread:t3' });
    h.send({ type: 'lock.busy', lock: 'lock:gpu0', tid: 'thread:t3' });
    expect(h.last.sends.map((s) => s.event)).toEqual([
      { type: 'drv.invalidateReturned', sub: 'sub:gpu0', ok: false, tid: 'thread:t3' },
    ]);
  });
});
