/**
 * Scenario parameters and repetition, applied to the parsed YAML before schema checking:
 *   - `params: { rounds: 3, ndrv: 1 }` declares knobs with defaults; `--param rounds=5` on the
 *     command line overrides them. A string that is exactly `${name}` becomes the value (so
 *     numbers stay numbers), and `${name}` inside a longer string is replaced as text.
 *   - A device, fence or thread whose name contains `${i}` and that has `replicas: N` stands for N
 *     copies, `${i}` replaced by 0..N-1 everywhere inside it.
 *   - An operation `- repeat: { times: N, as: c, ops: [...] }` stands for its ops N times over,
 *     `${c}` being 0..N-1 in each copy (`as` is optional).
 */
import { parse as parseYaml } from 'yaml';
import { notParamsOf } from './param-errors.ts';
import { ScenarioError } from './scenario-error.ts';
import { checkRepeat, checkReplicas } from './size-limits.ts';

/** Where a path of the document starts (`file:line:col`), for located errors. */
type Where = (path: (string | number)[]) => string;

/**
 * The value of a scenario param (`params:` in the file, `--param name=value`): a YAML scalar or a
 * list of them.
 *
 * @example
 * ```ts
 * import { createWorld, type ParamValue } from 'mirrorlab';
 *
 * const params: Record<string, ParamValue> = { profile: 'userptr-fence-under-lock' };
 * const world = await createWorld('scenarios/seeds/signal-during-fence-wait.yaml', { params });
 * ```
 */
export type ParamValue = string | number | boolean | (string | number | boolean)[];

/** `key=value` strings from the command line → values (YAML scalars: `3`, `true`, `[a, b]`). */
export function parseParamArgs(args: string[] = []): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new ScenarioError(`--param takes key=value (got '${a}')`);
    out[a.slice(0, eq)] = parseYaml(a.slice(eq + 1)) as ParamValue;
  }
  return out;
}

/** `at`: where the value stands (file:line:col of its section entry), for the error. */
function substitute(value: unknown, vars: Record<string, unknown>, at: string): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{(\w+)\}$/.exec(value);
    if (whole) {
      if (!(whole[1] in vars))
        throw new ScenarioError(`${at}: '${value}' names no declared param (declare it under params:)`);
      return vars[whole[1]];
    }
    return value.replace(/\$\{(\w+)\}/g, (m, name: string) => {
      if (!(name in vars)) throw new ScenarioError(`${at}: '${m}' names no declared param (declare it under params:)`);
      return String(vars[name]);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars, at));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [substitute(k, vars, at) as string, substitute(v, vars, at)]),
    );
  }
  return value;
}

/** The replica placeholder `${i}`, written without a template-literal look-alike. */
const REPLICA = `$${'{i}'}`;

function expandReplicas(section: unknown, vars: Record<string, unknown>, at: (name: string) => string): unknown {
  if (!section || typeof section !== 'object') return section;
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(section as Record<string, unknown>)) {
    const replicas = (spec as { replicas?: unknown } | null)?.replicas;
    if (!name.includes(REPLICA)) {
      out[name] = substitute(spec, vars, at(name));
      continue;
    }
    const n = Number(substitute(replicas ?? 1, vars, at(name)));
    if (!Number.isInteger(n) || n < 0)
      throw new ScenarioError(
        `${at(name)}: '${name}': replicas must be a whole number (got ${JSON.stringify(replicas)})`,
      );
    checkReplicas(at(name), name, n);
    for (let i = 0; i < n; i++) {
      const { replicas: _, ...rest } = spec as Record<string, unknown>;
      out[name.replace(/\$\{i\}/g, String(i))] = substitute(rest, { ...vars, i }, at(name));
    }
  }
  return out;
}

/** Replace one loop variable `${name}` (whole string → number, inside a string → text). */
function bindLoopVariable(value: unknown, name: string, k: number): unknown {
  const token = `$${'{'}${name}}`;
  if (typeof value === 'string') return value === token ? k : value.split(token).join(String(k));
  if (Array.isArray(value)) return value.map((v) => bindLoopVariable(v, name, k));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, bindLoopVariable(v, name, k)]));
  }
  return value;
}

/**
 * `- repeat: { times: N, as: c, ops: [...] }` → the ops N times; with `as`, `${c}` in the body
 * is 0..N-1 (e.g. the selftests' "value i + c" rounds). Runs before param substitution, so the
 * body keeps its other `${...}` for it; `times` itself may be a param.
 */
function expandRepeats(ops: unknown, vars: Record<string, unknown>, where: Where, path: (string | number)[]): unknown {
  if (!Array.isArray(ops)) return ops;
  return ops.flatMap((op, k) => {
    const r = (op as { repeat?: { times?: unknown; as?: unknown; ops?: unknown } } | null)?.repeat;
    if (!r) return [op];
    const at = where([...path, k, 'repeat']);
    const times = Number(substitute(r.times, vars, at));
    if (!Number.isInteger(times) || times < 0 || !Array.isArray(r.ops)) {
      throw new ScenarioError(
        `${at}: 'repeat' takes { times: <whole number>, as?: <name>, ops: [...] } (got times ${JSON.stringify(r.times)})`,
      );
    }
    if (r.as !== undefined && (typeof r.as !== 'string' || !/^\w+$/.test(r.as) || r.as in vars)) {
      throw new ScenarioError(`${at}: repeat's 'as' must be a new name (letters, digits, _), not a param`);
    }
    const loop = typeof r.as === 'string' ? r.as : null;
    const body = expandRepeats(r.ops, vars, where, [...path, k, 'repeat', 'ops']) as unknown[];
    checkRepeat(where([...path, k, 'repeat', 'times']), times, body.length);
    return Array.from({ length: times }, (_, k) =>
      loop ? (bindLoopVariable(body, loop, k) as unknown[]) : body,
    ).flat();
  });
}

/** Apply params, replicas and repeats to a parsed scenario document. */
export function expandScenario(
  raw: unknown,
  overrides: Record<string, ParamValue>,
  file: string,
  where: Where = () => file,
): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const doc = raw as Record<string, unknown>;
  const declared = (doc.params ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(overrides).filter((k) => !(k in declared));
  if (unknown.length) throw new ScenarioError(notParamsOf(file, unknown, Object.keys(declared)));
  const vars = { ...declared, ...overrides };
  // Repeats first: their loop variables are bound before params are substituted.
  if (doc.threads && typeof doc.threads === 'object') {
    doc.threads = Object.fromEntries(
      Object.entries(doc.threads as Record<string, { ops?: unknown }>).map(([name, t]) => [
        name,
        t && typeof t === 'object' ? { ...t, ops: expandRepeats(t.ops, vars, where, ['threads', name, 'ops']) } : t,
      ]),
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'params') out.params = vars;
    else if (key === 'devices' || key === 'threads' || key === 'fences')
      out[key] = expandReplicas(value, vars, (name) => where([key, name]));
    else out[key] = substitute(value, vars, where([key]));
  }
  return out;
}
