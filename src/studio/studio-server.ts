/**
 * The studio's HTTP server, on 127.0.0.1 only: the prebuilt page (dist/studio/, made by
 * `npm run build`) and `/studio/input.json`, the scenario text and a trace's schedule. Nothing
 * else is served and nothing is fetched from elsewhere (the page's Content-Security-Policy
 * allows only this server), so the studio works offline. Requests naming another host are
 * refused, so a web page cannot reach the server through DNS rebinding.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../scenario/parse.ts';
import type { StudioInput } from './page/studio-input.ts';

export interface StudioServerOptions {
  input: StudioInput;
  /** 0 (the default): a free port. */
  port?: number;
  /** The built page; default: the package's dist/studio/. */
  pageDir?: string;
}

export interface StudioServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const SECURITY = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** The mirrorlab package's folder, from src/studio/ (sources) or dist/src/studio/ (built). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The page `npm run build` builds: dist/studio/ of the package. */
export function builtPageDir(): string {
  return join(packageRoot(), 'dist', 'studio');
}

export async function startStudioServer(o: StudioServerOptions): Promise<StudioServer> {
  const pageDir = resolve(o.pageDir ?? builtPageDir());
  if (!existsSync(join(pageDir, 'index.html')))
    throw new ScenarioError(
      `${pageDir}: the studio's page is not built (no index.html there): run 'npm run build' in the mirrorlab package`,
    );
  const input = JSON.stringify(o.input);
  let port = 0;
  const server = createServer((req, res) => {
    serve(req, res, pageDir, input, port).catch((e: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(e.message);
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        e.code === 'EADDRINUSE' || e.code === 'EACCES'
          ? new ScenarioError(
              `--port ${o.port}: ${e.code === 'EADDRINUSE' ? 'already in use' : 'not allowed'} on 127.0.0.1: choose another port, or leave --port out for a free one`,
            )
          : e,
      ),
    );
    server.listen(o.port ?? 0, '127.0.0.1', ok);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, pageDir: string, input: string, port: number) {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes(req.headers.host ?? '')) {
    res.writeHead(403, { 'content-type': 'text/plain' }).end(`the studio answers only ${hosts.join(' and ')}`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  if (path === '/studio/input.json') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...SECURITY }).end(input);
    return;
  }
  const file = resolve(pageDir, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  if (!file.startsWith(pageDir + sep)) {
    res.writeHead(404).end('not found');
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...SECURITY });
  res.end(req.method === 'HEAD' ? undefined : body);
}
