/**
 * `mirrorlab inspect`'s bridge (src/inspect/server.ts) listens on the loopback only: a run's
 * events are not for the network, and the bridge relays whatever any client sends to every
 * other. @statelyai/inspect's server takes no host and would listen on every interface.
 */
import dns from 'node:dns';
import { createConnection, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { startInspectorServer } from '../../src/inspect/server.ts';

/** A free port: taken from the OS, then let go. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host, port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** An address of this machine other than the loopback, if it has one. */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('the inspector bridge', () => {
  it('should answer on localhost and not on the machine’s other addresses', async () => {
    const port = await freePort();
    const server = await startInspectorServer(port, false);
    try {
      expect(server.socket).toBe(`ws://localhost:${port}`);
      expect(await accepts('localhost', port)).toBe(true);
      if (outside) expect(await accepts(outside, port), `${outside}:${port}`).toBe(false);
    } finally {
      server.stop();
    }
  });

  it('should be listening when it returns, however long the name lookup takes', async () => {
    // Listening on a name looks it up first; a slow lookup (a loaded machine) once let
    // `mirrorlab inspect` print its address while connections were still refused.
    const lookup = dns.lookup;
    const slow = vi.spyOn(dns, 'lookup').mockImplementation(((...args: Parameters<typeof dns.lookup>) => {
      setTimeout(() => (lookup as (...a: unknown[]) => void)(...args), 300);
    }) as typeof dns.lookup);
    const port = await freePort();
    const server = await startInspectorServer(port, false).finally(() => slow.mockRestore());
    try {
      expect(await accepts('localhost', port)).toBe(true);
    } finally {
      server.stop();
    }
  });

  it('should leave http servers made afterwards as they are', async () => {
    const server = await startInspectorServer(await freePort(), false);
    server.stop();
    const { createServer: createHttpServer } = await import('node:http');
    const other = createHttpServer();
    await new Promise<void>((resolve) => other.listen(0, resolve));
    // No host given: Node's default, every interface (:: or 0.0.0.0), not the loopback.
    expect((other.address() as { address: string }).address).toMatch(/^(::|0\.0\.0\.0)$/);
    other.close();
  });
});
