/**
 * A machine's configuration as JSON and as a `createMachine({...})` source for the Stately
 * editor (its "Import from code"). Both keep the configuration as written: state keys, targets,
 * `meta`, `tags`, named guards and actions (strings or `{ type, params }`).
 *
 * What a configuration holds that is code, not data:
 * - higher-order guards (`and`, `or`, `not`, `stateIn`): written as calls in the source
 *   (`and(['a', 'b'])`, imported from xstate) and as `{ "type": "xstate.and", "guards": [...] }`
 *   in JSON, which {@link machineFromJson} turns back into the call;
 * - `context` (a function of the actor's input in every mirrorlab machine): left out; the
 *   implementations of guards and actions stay in mirrorlab and are not exported either;
 * - any other function (an inline guard or action): written as its name.
 */
import { type AnyStateMachine, and, createMachine, not, or, stateIn } from 'xstate';

const HIGHER_ORDER = { and: 'xstate.and', or: 'xstate.or', not: 'xstate.not', stateIn: 'xstate.stateIn' } as const;
type HigherOrder = keyof typeof HIGHER_ORDER;

/** A higher-order guard found in a configuration. */
class GuardCall {
  constructor(
    readonly kind: HigherOrder,
    readonly args: unknown,
  ) {}
}

function guardValue(guard: unknown): unknown {
  if (typeof guard !== 'function') return plain(guard);
  const g = guard as { name?: string; guards?: unknown[]; stateValue?: unknown };
  if (g.name === 'not' && Array.isArray(g.guards)) return new GuardCall('not', guardValue(g.guards[0]));
  if ((g.name === 'and' || g.name === 'or') && Array.isArray(g.guards))
    return new GuardCall(g.name, g.guards.map(guardValue));
  if (g.name === 'stateIn' && 'stateValue' in g) return new GuardCall('stateIn', plain(g.stateValue));
  return g.name || 'inlineGuard';
}

function plain(value: unknown, key?: string): unknown {
  if (typeof value === 'function') {
    const f = value as { type?: unknown; name?: string };
    return typeof f.type === 'string' ? f.type : f.name || 'inline';
  }
  if (Array.isArray(value)) return value.map((v) => plain(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || (k === 'context' && typeof v === 'function' && key === undefined)) continue;
      out[k] = k === 'guard' ? guardValue(v) : plain(v, k);
    }
    return out;
  }
  return value;
}

/** The machine's configuration with code made data (see the module comment). */
function configData(machine: AnyStateMachine): unknown {
  return plain(machine.config);
}

/**
 * The machine's configuration as JSON; {@link machineFromJson} re-creates the machine from it.
 *
 * @example
 * ```ts
 * import { dmaFenceMachine, toJsonConfig } from 'mirrorlab';
 *
 * const json = toJsonConfig(dmaFenceMachine);
 * JSON.parse(json).states; // every state, with its transitions
 * ```
 */
export function toJsonConfig(machine: AnyStateMachine): string {
  const json = (v: unknown): unknown => {
    if (v instanceof GuardCall)
      return v.kind === 'and' || v.kind === 'or'
        ? { type: HIGHER_ORDER[v.kind], guards: (v.args as unknown[]).map(json) }
        : v.kind === 'not'
          ? { type: HIGHER_ORDER.not, guards: [json(v.args)] }
          : { type: HIGHER_ORDER.stateIn, state: v.args };
    if (Array.isArray(v)) return v.map(json);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, json(x)]));
    return v;
  };
  return JSON.stringify(json(configData(machine)), null, 2);
}

/** Turns the JSON form of higher-order guards back into xstate's `and`/`or`/`not`/`stateIn`. */
function reviveGuard(guard: unknown): unknown {
  if (!guard || typeof guard !== 'object' || Array.isArray(guard)) return guard;
  const g = guard as { type?: unknown; guards?: unknown[]; state?: unknown };
  if (g.type === HIGHER_ORDER.and) return and((g.guards ?? []).map(reviveGuard) as never);
  if (g.type === HIGHER_ORDER.or) return or((g.guards ?? []).map(reviveGuard) as never);
  if (g.type === HIGHER_ORDER.not) return not(reviveGuard(g.guards?.[0]) as never);
  if (g.type === HIGHER_ORDER.stateIn) return stateIn(g.state as never);
  return guard;
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'guard' ? reviveGuard(v) : revive(v)]));
  return value;
}

/**
 * Re-creates a machine from {@link toJsonConfig}'s output. Pass the original machine's
 * `implementations` (or your own) to make it runnable; without them it has the structure only.
 *
 * @example
 * ```ts
 * import { machineFromJson, ptLockMachine, toJsonConfig } from 'mirrorlab';
 *
 * const copy = machineFromJson(toJsonConfig(ptLockMachine), ptLockMachine.implementations);
 * copy.id === ptLockMachine.id; // true, with the same states and transitions
 * ```
 */
export function machineFromJson(json: string, implementations?: AnyStateMachine['implementations']): AnyStateMachine {
  const machine = createMachine(revive(JSON.parse(json)) as never);
  return implementations ? machine.provide(implementations as never) : machine;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const str = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/** A JavaScript literal, two spaces per level. */
function source(v: unknown, indent: string, used: Set<string>): string {
  const inner = `${indent}  `;
  if (v instanceof GuardCall) {
    used.add(v.kind);
    return `${v.kind}(${source(v.args, indent, used)})`;
  }
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    const items = v.map((x) => source(x, inner, used));
    const oneLine = `[${items.join(', ')}]`;
    return oneLine.length <= 80 && !oneLine.includes('\n')
      ? oneLine
      : `[\n${items.map((x) => `${inner}${x},`).join('\n')}\n${indent}]`;
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v);
    if (!entries.length) return '{}';
    const body = entries.map(([k, x]) => `${inner}${IDENT.test(k) ? k : str(k)}: ${source(x, inner, used)},`);
    return `{\n${body.join('\n')}\n${indent}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** A variable name from the machine id: `rangeNotifier` → `rangeNotifierMachine`. */
function variableName(id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words.map((w, i) => (i ? w[0].toUpperCase() + w.slice(1) : w[0].toLowerCase() + w.slice(1))).join('');
  const name = /^[A-Za-z_$]/.test(camel) ? camel : `m${camel}`;
  return name.endsWith('Machine') ? name : `${name}Machine`;
}

/**
 * The machine as a `createMachine({...})` module (plain JavaScript, also valid TypeScript) that
 * the Stately editor imports: states, transitions, named guards and actions, higher-order guards
 * as `and([...])` calls. `from` names where the machine comes from, for the header comment.
 *
 * @example
 * ```ts
 * import { notifierCoreMachine, toStatelySource } from 'mirrorlab';
 * import { writeFileSync } from 'node:fs';
 *
 * writeFileSync('notifier-core.js', toStatelySource(notifierCoreMachine, 'mirrorlab')); // import it in the Stately editor
 * ```
 */
export function toStatelySource(machine: AnyStateMachine, from?: string): string {
  const used = new Set<string>();
  const body = source(configData(machine), '', used);
  const imports = [...used, 'createMachine'].sort().join(', ');
  return [
    `// The '${machine.id}' machine${from ? ` (${from})` : ''}, exported by mirrorlab for the Stately editor.`,
    '// Guards and actions are named; their implementations, and the initial context (a function of',
    "// the actor's input), stay in mirrorlab.",
    `import { ${imports} } from 'xstate';`,
    '',
    `export const ${variableName(machine.id)} = createMachine(${body});`,
    '',
  ].join('\n');
}
