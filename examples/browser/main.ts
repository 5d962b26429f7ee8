/// <reference types="vite/client" />
// The page of examples/browser: parse the textarea's scenario, search every interleaving in the
// page with mirrorlab/browser, show the verdict and a counterexample as a ladder.
import {
  coverage,
  defaultMonitors,
  exhaustiveSearch,
  type FoundViolation,
  judgeScenario,
  parseScenario,
  renderLadder,
  scenarioWorld,
} from 'mirrorlab/browser';
import seed from '../../scenarios/seeds/missing-set-seq.yaml?raw';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const text = $<HTMLTextAreaElement>('scenario');
const run = $<HTMLButtonElement>('run');
const verdict = $<HTMLDivElement>('verdict');
const counterexample = $<HTMLDivElement>('counterexample');
const select = $<HTMLSelectElement>('violation');

text.value = seed;
run.addEventListener('click', () => {
  run.disabled = true;
  show('running', 'Searching…');
  counterexample.hidden = true;
  // Let the page paint "Searching…" before the search takes the thread.
  setTimeout(() => check().finally(() => (run.disabled = false)), 0);
});

async function check(): Promise<void> {
  try {
    const loaded = parseScenario(text.value, 'scenario.yaml');
    const { world } = await scenarioWorld(loaded);
    const maxStates = Number($<HTMLInputElement>('max-states').value) || undefined;
    const result = exhaustiveSearch(world, 'bfs', { monitors: defaultMonitors(), maxStates });
    const real = result.violations.filter((v) => v.severity !== 'observation');
    const { expect } = loaded.scenario;
    const judged = judgeScenario({
      expected: expect.violations,
      expectedObservations: expect.observations,
      found: new Set(real.map((v) => v.kind)),
      seen: new Set(result.violations.filter((v) => v.severity === 'observation').map((v) => v.kind)),
      stats: result.stats,
      limits: { maxStates },
    });
    const found = real.length ? `found ${real.map((v) => v.kind).join(', ')}` : 'nothing violated';
    const detail =
      judged.mismatch ?? judged.inconclusive ?? (expect.violations.length ? 'as expected' : 'as expected: clean');
    show(judged.verdict, `${judged.verdict}: ${found}; ${detail} (${coverage(result.stats, { maxStates })})`);
    if (real.length) showCounterexamples(real, (v) => renderLadder(world, v.trace, v.loopFrom));
  } catch (e) {
    // A bad scenario says where (scenario.yaml:line:col) and how to fix it.
    show('error', (e as Error).message);
  }
}

function showCounterexamples(found: FoundViolation[], ladder: (v: FoundViolation) => string): void {
  select.replaceChildren(...found.map((v, i) => new Option(`${v.kind} (${v.steps} steps)`, String(i))));
  const pick = () => {
    const v = found[Number(select.value)];
    $('message').textContent = v.message;
    $('ladder').textContent = ladder(v);
  };
  select.onchange = pick;
  pick();
  counterexample.hidden = false;
}

function show(kind: string, message: string): void {
  verdict.className = kind;
  verdict.textContent = message;
}
