/**
 * `mirrorlab export`'s four formats, for every built-in machine and driver profile and for a
 * synthetic machine with the constructs the built-in ones lack (delays, done events, final and
 * history states, `or`/`not`/`stateIn` guards, awkward state keys):
 *
 * - Mermaid is read back by Mermaid's own parser: every state in its box (parallel regions
 *   included), one arrow per transition target and one loop per targetless transition;
 * - JSON and the Stately source re-create a machine with the same states and transitions;
 * - SCXML is well-formed XML in the SCXML namespace whose states and transitions are the machine's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import { type AnyStateMachine, and, createMachine, not, or, stateIn } from 'xstate';
import {
  graphCounts,
  machineCatalog,
  machineFromJson,
  machineGraph,
  toJsonConfig,
  toMermaid,
  toScxml,
  toStatelySource,
} from '../../src/report/machine-export.ts';
import { allStates, type MachineGraph, transitionLabel } from '../../src/report/machine-graph.ts';
import { LINE_BREAK, mermaidIds, mermaidLabel } from '../../src/report/machine-mermaid.ts';
import { MIRRORLAB_NS, SCXML_NS } from '../../src/report/machine-scxml.ts';
import { parseMermaid } from '../support/mermaid-parser.ts';

/** Constructs none of the built-in machines uses, so that the exporters are tested on them too. */
const synthetic = createMachine({
  id: 'synthetic',
  initial: 'a',
  on: { reset: { target: '.a', reenter: true }, poke: { actions: ['count', { type: 'log', params: { n: 1 } }] } },
  states: {
    a: {
      entry: 'enterA',
      exit: ['leaveA'],
      after: { 100: { target: 'b', guard: not('busy') } },
      on: { go: [{ target: 'b', guard: or(['x', and(['y', 'z'])]) }, { target: '#synthetic.end' }] },
    },
    b: {
      type: 'parallel',
      onDone: 'end',
      states: {
        left: {
          initial: 'one',
          states: {
            one: { on: { next: 'two', 'we;ird': { actions: 'semi' } } },
            two: { type: 'final' },
            hist: { type: 'history', history: 'deep' },
          },
        },
        'right side': {
          initial: 'note',
          states: {
            note: { always: { guard: stateIn('#synthetic.b.left.two'), target: 'end' } },
            end: { type: 'final' },
          },
        },
      },
    },
    end: { type: 'final' },
  },
});

const cases: { name: string; machine: AnyStateMachine }[] = [
  ...machineCatalog().map(({ name, machine }) => ({ name, machine })),
  { name: 'synthetic', machine: synthetic },
];

describe('the machines to export', () => {
  it('should be exported from the package entry', async () => {
    const api = await import('../../src/index.ts');
    expect(api.exportMachine(api.rangeNotifierMachine, 'mermaid')).toBe(toMermaid(api.rangeNotifierMachine));
    for (const f of ['machineFromJson', 'toJsonConfig', 'toScxml', 'toStatelySource'] as const)
      expect(typeof api[f]).toBe('function');
  });

  it('should include every kernel machine and every driver profile, one with a parallel root', () => {
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'mm',
        'notifier-core',
        'range-notifier',
        'pt-lock',
        'dma-fence',
        'device',
        'thread',
        'driver-shadow-pte',
        'driver-registration-cache',
        'driver-userptr-fence-under-lock',
        'driver-userptr-fence-after-unlock',
        'driver-svm',
        'driver-dmirror',
      ]),
    );
    expect(cases.filter((c) => machineGraph(c.machine).root.type === 'parallel').length).toBeGreaterThanOrEqual(6);
  });

  it('should count all 16 transitions of the range notifier, 13 of them targetless', () => {
    const counts = graphCounts(machineGraph(cases.find((c) => c.name === 'range-notifier')!.machine));
    expect(counts).toMatchObject({ states: 5, transitions: 16, targetless: 13 });
  });
});

/** Mermaid's parsed parent of a node, looking through the `--` region dividers. */
function parentOf(nodes: Map<string, { parentId?: string; shape: string }>, id: string): string | undefined {
  let p = nodes.get(id)?.parentId;
  while (p && nodes.get(p)?.shape === 'divider') p = nodes.get(p)?.parentId;
  return p;
}

function expectedParents(
  graph: MachineGraph,
  ids: Map<string, string>,
  boxed: boolean,
): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  if (boxed) out.set(ids.get(graph.root.id)!, undefined);
  const walk = (s: MachineGraph['root'], parent: string | undefined) => {
    for (const c of s.children) {
      out.set(ids.get(c.id)!, parent);
      walk(c, ids.get(c.id));
    }
  };
  walk(graph.root, boxed ? ids.get(graph.root.id) : undefined);
  return out;
}

describe('Mermaid export, read back by Mermaid', () => {
  it.each(cases)('$name: parses, with every state in its box and every transition drawn', async ({ machine }) => {
    const text = toMermaid(machine);
    const parsed = await parseMermaid(text);
    expect(parsed.diagramType).toBe('stateDiagram');

    const graph = machineGraph(machine);
    const ids = mermaidIds(graph);
    const nodes = new Map(parsed.nodes.map((n) => [n.id, n]));
    const boxed = nodes.has(ids.get(graph.root.id)!);
    expect(boxed).toBe(graph.root.type === 'parallel' || graph.transitions.some((t) => t.source === graph.root.id));
    for (const [id, parent] of expectedParents(graph, ids, boxed)) {
      expect(nodes.has(id), id).toBe(true);
      expect(parentOf(nodes, id), id).toBe(parent);
    }

    // One arrow per pair of states (Mermaid's layout draws only one of several between the
    // same two states), its label one line per transition: so every transition is drawn.
    const real = (id: string) => !['stateStart', 'stateEnd'].includes(nodes.get(id)?.shape ?? '');
    const drawn = parsed.edges.filter((e) => real(e.start) && real(e.end));
    const pairs = drawn.map((e) => `${e.start} -> ${e.end}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const expected = graph.transitions.flatMap((t) =>
      (t.targets.length ? t.targets : [t.source]).map(
        (to) => `${ids.get(t.source)} -> ${ids.get(to)} : ${mermaidLabel(transitionLabel(t))}`,
      ),
    );
    const drawnLines = drawn.flatMap((e) =>
      e.label.split(LINE_BREAK).map((line) => `${e.start} -> ${e.end} : ${line}`),
    );
    expect(drawnLines.sort()).toEqual(expected.sort());
    const loopLines = drawnLines.filter((l) => {
      const [from, rest] = l.split(' -> ');
      return rest.startsWith(`${from} :`);
    });
    expect(loopLines.length).toBeGreaterThanOrEqual(graphCounts(graph).targetless);
  });

  it('should draw the range notifier’s read_begin, read_retry and set_seq handlers', async () => {
    const text = toMermaid(cases.find((c) => c.name === 'range-notifier')!.machine);
    const { edges } = await parseMermaid(text);
    const labels = edges.flatMap((e) => e.label.split(LINE_BREAK)).filter(Boolean);
    expect(labels).toHaveLength(16);
    for (const event of ['sub.readBegin', 'sub.readRetry', 'sub.setSeq'])
      expect(labels.some((l) => l.startsWith(event))).toBe(true);
    expect(labels).toContain('sub.readBegin [invalidatedInCurrentEpoch] / waitForEpochEnd');
  });

  it('should put parallel regions inside the parallel state, never at the top level', () => {
    for (const { machine } of cases) {
      const text = toMermaid(machine);
      const topLevel = text.split('\n').filter((l) => /^ {2}\S/.test(l));
      expect(topLevel).not.toContain('  --');
    }
  });

  it('should label transitions as event [guard] / actions, with higher-order guards spelled out', () => {
    const labels = machineGraph(synthetic).transitions.map(transitionLabel);
    expect(labels).toContain('go [x || (y && z)]');
    expect(labels).toContain('after 100ms [!busy]');
    expect(labels).toContain('poke / count, log');
    expect(labels).toContain('always [in(#synthetic.b.left.two)]');
    expect(labels).toContain('done');
  });

  it('should reject what Mermaid itself rejects (the parser is really checking)', async () => {
    await expect(parseMermaid('stateDiagram-v2\n  [*] --> a\n  --\n  a --> b')).rejects.toThrow(/Parse error/);
  });
});

/** What must survive a round trip: every state and every transition, as data. */
const shape = (m: AnyStateMachine) => {
  const g = machineGraph(m);
  return {
    states: allStates(g).map(({ id, type, initial, history }) => ({ id, type, initial, history })),
    transitions: g.transitions,
  };
};

describe('JSON export', () => {
  it.each(cases)('$name: re-creates a machine with the same states and transitions', ({ machine }) => {
    const json = toJsonConfig(machine);
    const again = machineFromJson(json, machine.implementations);
    expect(shape(again)).toEqual(shape(machine));
    expect(toJsonConfig(again)).toBe(json);
  });

  it('should keep named guards and actions as names, and higher-order guards as data', () => {
    const config = JSON.parse(toJsonConfig(cases.find((c) => c.name === 'range-notifier')!.machine));
    expect(config.states.detached.on['sub.attach'].actions).toBe('storeAttachSeq');
    const svm = toJsonConfig(cases.find((c) => c.name === 'driver-svm')!.machine);
    expect(svm).toContain('"type": "xstate.and"');
  });
});

// The Stately sources are imported as modules, so they must resolve 'xstate' from this package.
const scratch = resolve('node_modules/.cache/mirrorlab-export-test');
mkdirSync(scratch, { recursive: true });
const sourceDir = mkdtempSync(join(scratch, 'src-'));
afterAll(() => rmSync(sourceDir, { recursive: true, force: true }));

describe('Stately source export', () => {
  it.each(cases)('$name: evaluates with xstate to the same states and transitions', async ({ name, machine }) => {
    const source = toStatelySource(machine, 'test');
    expect(source).toMatch(/^import \{ [^}]*createMachine[^}]* \} from 'xstate';$/m);
    expect(source).toMatch(/ = createMachine\(\{\n/);
    const file = join(sourceDir, `${name}.mjs`);
    writeFileSync(file, source);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, AnyStateMachine>;
    const [exported] = Object.values(mod);
    expect(shape(exported)).toEqual(shape(machine));
  });

  it('should keep named guards and actions and write higher-order guards as calls', () => {
    const source = toStatelySource(cases.find((c) => c.name === 'driver-svm')!.machine);
    expect(source).toContain("guard: and(['replyIsForRequest', 'cachePinsPages']),");
    expect(source).toContain("actions: 'recordNotifierSeq',");
    expect(source).not.toMatch(/context:/);
    expect(toStatelySource(synthetic)).toContain("guard: or(['x', and(['y', 'z'])]),");
  });
});

const STATE_TAGS = ['state', 'parallel', 'final', 'history'];

function scxmlElements(xml: string): Element[] {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') errors.push(message);
    },
  }).parseFromString(xml, 'text/xml');
  expect(errors).toEqual([]);
  const root = doc.documentElement!;
  expect(root.localName).toBe('scxml');
  expect(root.namespaceURI).toBe(SCXML_NS);
  expect(root.getAttribute('version')).toBe('1.0');
  const all: Element[] = [];
  const walk = (e: Element) => {
    all.push(e);
    for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) walk(c as Element);
  };
  walk(root);
  return all;
}

describe('SCXML export', () => {
  it.each(cases)('$name: is well-formed SCXML with the machine’s states and transitions', ({ machine }) => {
    const graph = machineGraph(machine);
    const elements = scxmlElements(toScxml(machine));
    const scxml = elements.filter((e) => e.namespaceURI === SCXML_NS);
    const allowed = [...STATE_TAGS, 'scxml', 'transition', 'onentry', 'onexit'];
    expect(scxml.filter((e) => !allowed.includes(e.localName!))).toEqual([]);
    for (const e of elements.filter((x) => x.namespaceURI !== SCXML_NS)) {
      expect(e.namespaceURI).toBe(MIRRORLAB_NS);
      expect(e.parentNode && ['transition', 'onentry', 'onexit'].includes((e.parentNode as Element).localName!)).toBe(
        true,
      );
    }

    const states = scxml.filter((e) => STATE_TAGS.includes(e.localName!));
    const ids = states.map((e) => e.getAttribute('id')!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9._-]*$/);
    expect(states.length).toBe(graphCounts(graph).states);
    expect(states.filter((e) => e.localName === 'parallel').length).toBe(graphCounts(graph).parallel);

    const known = new Set(ids);
    const root = elements[0];
    expect(known.has(root.getAttribute('initial')!)).toBe(true);
    for (const e of states.filter((x) => x.hasAttribute('initial'))) {
      const initial = e.getAttribute('initial')!;
      const children = [];
      for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) children.push(c as Element);
      expect(children.map((c) => c.getAttribute('id'))).toContain(initial);
    }

    const transitions = scxml.filter((e) => e.localName === 'transition');
    expect(transitions.length).toBe(graph.transitions.length);
    const targetless = transitions.filter((t) => !t.hasAttribute('target')).length;
    expect(targetless).toBe(graphCounts(graph).targetless);
    const eventless = transitions.filter((t) => !t.hasAttribute('event')).length;
    expect(eventless).toBe(graphCounts(graph).eventless);
    for (const t of transitions)
      for (const target of (t.getAttribute('target') ?? '').split(' ').filter(Boolean))
        expect(known.has(target), target).toBe(true);
    // Per state: the same transitions (event, number of targets, guarded or not) as the machine.
    const perState = (list: string[]) => list.sort().join('\n');
    expect(
      perState(
        transitions.map(
          (t) =>
            `${(t.parentNode as Element).getAttribute('id')} ${t.getAttribute('event') ?? ''} ${(t.getAttribute('target') ?? '').split(' ').filter(Boolean).length} ${t.hasAttribute('cond')}`,
        ),
      ),
    ).toBe(
      perState(
        graph.transitions.map(
          (t) => `${t.source.replace(/[^A-Za-z0-9._-]/g, '_')} ${t.event} ${t.targets.length} ${Boolean(t.guard)}`,
        ),
      ),
    );
  });

  it('should write guards as conditions, actions in the mirrorlab namespace and targetless transitions bare', () => {
    const xml = toScxml(synthetic);
    expect(xml).toContain('<transition event="go" cond="x || (y &amp;&amp; z)" target="synthetic.b"/>');
    expect(xml).toContain('<history id="synthetic.b.left.hist" type="deep"/>');
    expect(xml).toContain('cond="In(\'synthetic.b.left.two\')"');
    expect(xml).toContain('<parallel id="synthetic.b">');
    const rn = toScxml(cases.find((c) => c.name === 'range-notifier')!.machine);
    expect(rn).toContain(
      '<transition event="sub.readRetry">\n        <ml:action name="answerRetry"/>\n      </transition>',
    );
  });
});
