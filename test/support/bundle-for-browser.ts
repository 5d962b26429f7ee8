/**
 * Bundle a module for the browser with Vite's JS API (no config file, no aliases), recording
 * every Node built-in the module graph reaches and from where: the browser entries must reach none.
 */
import { builtinModules } from 'node:module';
import { build, type Plugin, type Rollup } from 'vite';

export interface BrowserBundle {
  /** `<built-in> imported by <file>`, for each Node built-in the graph reached. */
  nodeImports: string[];
  /** The bundled chunks' code, for a look at what went in. */
  code: string;
}

const builtins = new Set(builtinModules);

function isNodeBuiltin(id: string): boolean {
  return id.startsWith('node:') || builtins.has(id) || builtins.has(id.split('/')[0]);
}

export async function bundleForBrowser(entry: string): Promise<BrowserBundle> {
  const nodeImports: string[] = [];
  const watch: Plugin = {
    name: 'record-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if (isNodeBuiltin(id)) nodeImports.push(`${id} imported by ${importer ?? '(entry)'}`);
      return null;
    },
  };
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [watch],
    build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'bundle' } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const outputs = Array.isArray(out) ? out : [out];
  const code = outputs
    .flatMap((o) => o.output)
    .map((c) => (c.type === 'chunk' ? c.code : ''))
    .join('\n');
  return { nodeImports, code };
}
