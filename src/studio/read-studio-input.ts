/**
 * What the studio opens: a scenario file, or a trace file (its scenario and its schedule). The
 * scenario is checked here, before anything is served, so bad input is an error in the
 * terminal (exit 2) and the page only ever gets a scenario that starts. A driver module (a .ts
 * file) cannot be loaded in the page, so a scenario or trace naming one is refused by name.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { scenarioWorld } from '../check/scenario-world.ts';
import { readTrace, textHash } from '../check/trace-file.ts';
import { mirrorlabVersion } from '../cli/exit-codes.ts';
import { scenarioFiles } from '../cli/scenario-files.ts';
import { type LoadedScenario, parseScenario, ScenarioError } from '../scenario/parse.ts';
import type { StudioInput } from './page/studio-input.ts';

const PAGE_DRIVERS = 'the built-in profiles (mirrorlab machines) and dmirror';

/** A scenario, a trace (`.json`), or a folder of scenarios to choose from in the page. */
export async function readStudioInput(file: string): Promise<StudioInput> {
  const input = /\.json$/i.test(file)
    ? await readTraceInput(file)
    : isFolder(file)
      ? await readFolderInput(file)
      : { scenario: await checkedScenario(file) };
  return { ...input, tool: { version: mirrorlabVersion() } };
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** Every scenario of the folder the page can run; the others are listed with the reason. */
async function readFolderInput(folder: string): Promise<Omit<StudioInput, 'tool'>> {
  const choices: StudioInput['scenario'][] = [];
  const skipped: string[] = [];
  for (const file of scenarioFiles([folder])) {
    try {
      choices.push(await checkedScenario(relative(process.cwd(), resolve(file)) || file));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      skipped.push(e.message);
    }
  }
  if (choices.length === 0)
    throw new ScenarioError(`${folder}: none of its scenarios can run in the studio; the first: ${skipped[0]}`);
  return { scenario: choices[0], choices, skipped };
}

async function readTraceInput(file: string): Promise<Omit<StudioInput, 'tool'>> {
  const saved = readTrace(file);
  if (saved.driver)
    throw new ScenarioError(
      `${file}: the trace was saved with the driver module ${saved.driver} (check --driver), which the studio's page cannot load (it runs ${PAGE_DRIVERS}): replay it with 'mirrorlab replay ${file}'`,
    );
  return {
    scenario: await checkedScenario(relative(process.cwd(), saved.scenarioFile) || saved.scenarioFile, file),
    trace: {
      file,
      steps: saved.steps,
      violation: saved.violation,
      witnesses: saved.witnesses ?? [],
      ...(saved.loopFrom !== undefined ? { loopFrom: saved.loopFrom } : {}),
    },
  };
}

/** The scenario's text, once it parses, compiles and starts as the page will run it. */
async function checkedScenario(name: string, trace?: string): Promise<StudioInput['scenario']> {
  const path = resolve(name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const whose = trace ? ` named by the trace ${trace}` : '';
    throw new ScenarioError(`${name}: cannot read the scenario${whose} (${(e as Error).message})`);
  }
  const loaded = parseScenario(text, name);
  await scenarioWorld(loaded, undefined, (driver, _file, where) => refuseDriverModule(loaded, driver, where));
  return { name, path, text, sha256: textHash(text) };
}

function refuseDriverModule(loaded: LoadedScenario, driver: string, where: string): never {
  throw new ScenarioError(
    `${where}: driver ${driver} is a driver module, which the studio's page cannot load (it runs ${PAGE_DRIVERS}): use a built-in profile in ${loaded.file}, or run it with 'mirrorlab run' or 'mirrorlab check'`,
  );
}
