/**
 * `run --live --inspect ws://…` against a WebSocket server in the test: every message's
 * inspection event names its sender (the Stately sequence view draws an arrow from it), the run
 * ends and closes its socket, and with nobody listening it says so and exits 2.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { cli } from '../cli/run-cli.ts';

const SCENARIO = 'scenarios/seeds/fault-vs-unmap.yaml';

interface Received {
  type: string;
  name?: string;
  sessionId: string;
  sourceId?: string;
  event?: { type: string };
}

/** A port nobody listens on: taken from the OS, then let go. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** What the Stately inspector's sequence view needs: every event from a known actor. */
function expectSenders(events: Received[]) {
  const names = new Map(events.filter((e) => e.type === '@xstate.actor').map((e) => [e.sessionId, e.name]));
  const messages = events.filter((e) => e.type === '@xstate.event' && !e.event?.type.startsWith('xstate.'));
  expect(messages.length).toBeGreaterThan(20);
  for (const m of messages) expect(names.get(m.sourceId ?? ''), JSON.stringify(m.event)).toBeDefined();
  const arrow = messages.find((m) => m.event?.type === 'mm.munmap');
  expect(names.get(arrow!.sourceId!)).toBe('thread:cpu');
  expect(names.get(arrow!.sessionId)).toBe('mm:p1');
}

const stderr = () => vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
afterEach(() => vi.restoreAllMocks());

describe('run --live --inspect', () => {
  it('should send every message with its sender, then end and close the socket', async () => {
    const server = new WebSocketServer({ port: 0 });
    await new Promise((r) => server.once('listening', r));
    const events: Received[] = [];
    const closed = new Promise<number>((resolve) =>
      server.on('connection', (ws) => {
        ws.on('message', (data) => events.push(JSON.parse(String(data))));
        ws.on('close', (code) => resolve(code));
      }),
    );
    const { port } = server.address() as { port: number };
    const { code, out } = await cli('run', SCENARIO, '--live', '--inspect', `ws://127.0.0.1:${port}`);
    expect(code).toBe(0);
    expect(out).toMatch(/steps as live XState actors/);
    expect(await closed).toBe(1000);
    expectSenders(events);
    server.close();
  });

  it('should say nobody is listening and exit 2, without running', async () => {
    const err = stderr();
    const port = await closedPort();
    const { code, out } = await cli('run', SCENARIO, '--live', '--inspect', `ws://127.0.0.1:${port}`);
    expect(code).toBe(2);
    expect(out).not.toMatch(/steps as live XState actors/);
    const said = err.mock.calls.map((c) => String(c[0])).join('');
    expect(said).toMatch(new RegExp(`--inspect ws://127.0.0.1:${port}: nobody is listening \\(ECONNREFUSED\\)`));
    expect(said).toMatch(/mirrorlab inspect/);
  });

  it('should reject a URL that is not a WebSocket one', async () => {
    const err = stderr();
    const { code } = await cli('run', SCENARIO, '--live', '--inspect', 'http://localhost:8080');
    expect(code).toBe(2);
    expect(err.mock.calls.join('')).toMatch(/not a WebSocket URL; give one like ws:\/\/localhost:8080/);
  });
});

describe('mirrorlab inspect', () => {
  it('should relay a live run to a viewer through the local @statelyai/inspect server', async () => {
    const port = await closedPort();
    const child = spawn(process.execPath, ['bin/mirrorlab.mjs', 'inspect', '--port', String(port), '--no-open'], {
      env: { ...process.env, MIRRORLAB_FROM_SOURCE: '1' },
    });
    try {
      let printed = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          printed += d;
          if (printed.includes('Ctrl-C')) resolve();
        });
        child.once('exit', (c) => reject(new Error(`inspect exited ${c}`)));
      });
      expect(printed).toContain(`ws://localhost:${port}`);
      const page = await (await fetch(`http://localhost:${port}`)).text();
      expect(page).toContain('<iframe');

      const viewer = new WebSocket(`ws://localhost:${port}`);
      const events: Received[] = [];
      // The bridge relays after the run has sent: wait for the munmap to arrive, however long
      // that takes on a busy machine (the suite's timeout is the backstop against a hang).
      const munmapRelayed = new Promise<void>((resolve) =>
        viewer.on('message', (d) => {
          const e: Received = JSON.parse(String(d));
          events.push(e);
          if (e.event?.type === 'mm.munmap') resolve();
        }),
      );
      await new Promise((r) => viewer.once('open', r));
      const { code } = await cli('run', SCENARIO, '--live', '--inspect', `ws://localhost:${port}`);
      expect(code).toBe(0);
      await munmapRelayed;
      expect(events.some((e) => e.event?.type === 'mm.munmap')).toBe(true);
      expectSenders(events);
      viewer.close();
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  });
});
