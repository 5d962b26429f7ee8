/** Runs the CLI in-process with stderr captured: the exit code, stdout and stderr. */
import { vi } from 'vitest';
import { cli } from '../cli/run-cli.ts';

export async function runCaptured(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    const r = await cli(...args);
    return { ...r, err };
  } finally {
    spy.mockRestore();
  }
}

/** A line of a JavaScript stack trace: bad input and model errors never print one. */
export const STACK_LINE = /^\s+at .+\(?.*:\d+:\d+\)?$/m;
