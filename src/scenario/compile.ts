/**
 * Scenario → actors. Each process gives an mm and its notifier core; each device gives a
 * device, its driver, the driver's page-table lock and its interval subscription; each fence
 * a dma_fence; each thread a thread actor. The `processes` section (mappings, populated words,
 * subscriptions) is set-up: it runs once, deterministically, before the interleaved part, and
 * the actors start the run from the states it left (see `settle`).
 *
 * No file system here (the browser entry compiles too): a driver named by a module path is
 * loaded by `options.loadDriver`, which the Node side gives (driver-module.ts).
 */
import type { AnyStateMachine } from 'xstate';
import { deviceMachine } from '../../machines/device.machine.ts';
import { dmaFenceMachine } from '../../machines/dma-fence.machine.ts';
import { dmirrorMachine } from '../../machines/dmirror/dmirror.machine.ts';
import { DRIVER_BUGS } from '../../machines/drivers/driver-types.ts';
import { driverProfiles } from '../../machines/drivers/index.ts';
import { type KernelVersion, kernelVersionsOf } from '../../machines/mm/kernel-version.ts';
import { mmMachine } from '../../machines/mm/mm.machine.ts';
import { notifierCoreMachine } from '../../machines/notifier-core.machine.ts';
import { ptLockMachine } from '../../machines/pt-lock.machine.ts';
import { rangeNotifierMachine } from '../../machines/range-notifier.machine.ts';
import { type ThreadOp, threadMachine } from '../../machines/thread.machine.ts';
import type { ActorSpec } from '../runtime/controlled-world.ts';
import { driverInput } from './driver-input.ts';
import { compileOp, type OpContext } from './operations.ts';
import { type LoadedScenario, ScenarioError } from './parse.ts';
import type { Scenario } from './schema.ts';
import { wireSignals } from './signals.ts';

/** The whole address space, for subscriptions that do not name a range (dmirror's choice). */
export const WHOLE_ADDRESS_SPACE = { start: 0, length: 2 ** 47 };

/**
 * Loads the driver module a scenario names by path (`driver: ./my-driver.ts`), relative to the
 * scenario `file`.
 *
 * @example
 * ```ts
 * import { createDriverMachine, type DriverLoader, parseScenario, scenarioWorld } from 'mirrorlab';
 *
 * // Where there is no module loader (a page), map the scenario's driver paths to machines.
 * const mine = createDriverMachine('registration-cache');
 * const loadDriver: DriverLoader = async (driver, file, where) => {
 *   if (driver === './my-driver.ts') return mine;
 *   throw new Error(`${where}: no driver ${driver} for ${file}`);
 * };
 * declare const text: string;
 * await scenarioWorld(parseScenario(text, 'my.yaml'), undefined, loadDriver);
 * ```
 */
export type DriverLoader = (driver: string, file: string, where: string) => Promise<AnyStateMachine>;

/**
 * Options of compileScenario: another driver in every device slot, how to load a driver named by a
 * module path, and the kernel version the mms behave as.
 *
 * @example
 * ```ts
 * import { type CompileOptions, compileScenario, createDriverMachine, loadScenario } from 'mirrorlab';
 *
 * const options: CompileOptions = {
 *   driverOverride: { machine: createDriverMachine('registration-cache'), name: 'registration-cache' },
 * };
 * await compileScenario(loadScenario('scenarios/seeds/fault-vs-unmap.yaml'), options);
 * ```
 */
export interface CompileOptions {
  /** Replace every device's driver with this machine (mirrorlab check --driver). */
  driverOverride?: { machine: AnyStateMachine; name: string };
  /** How to load a driver named by a module path; without one such a scenario is an error. */
  loadDriver?: DriverLoader;
  /** The kernel version the mms behave as (default: the first one the scenario's `kernel:` admits). */
  kernel?: KernelVersion;
}

/**
 * A scenario turned into actor specs: the kernel actors, the set-up thread and the scenario's
 * threads, with the driver each device got. A ControlledWorld or a live world is built from it.
 *
 * @example
 * ```ts
 * import { type CompiledScenario, compileScenario, loadScenario } from 'mirrorlab';
 *
 * const compiled: CompiledScenario = await compileScenario(loadScenario('scenarios/seeds/fault-vs-unmap.yaml'));
 * compiled.kernel.length; // mm, notifier core, subscriptions, locks, fences, devices, drivers
 * compiled.threads.length; // the scenario's own threads, the part that is interleaved
 * ```
 */
export interface CompiledScenario {
  file: string;
  scenario: Scenario;
  /** Kernel actors (mm, core, sub, lock, fence, dev, drv). */
  kernel: ActorSpec[];
  /** The set-up thread: mappings, populate writes, subscriptions. */
  setup: ActorSpec;
  /** The scenario's own threads: the interleaved part. */
  threads: ActorSpec[];
  /** Which driver machine each device got (profile name or module path). */
  drivers: Record<string, string>;
}

/**
 * Turn a loaded scenario into actor specs: the kernel actors (mm, notifier core, subscriptions,
 * locks, fences, devices, drivers), the set-up thread, and the scenario's own threads. Driver
 * modules named by the scenario are loaded here.
 *
 * @example
 * ```ts
 * import { ControlledWorld, compileScenario, loadScenario, settle } from 'mirrorlab';
 *
 * const compiled = await compileScenario(loadScenario('scenarios/seeds/fault-vs-unmap.yaml'));
 * compiled.threads.map((t) => t.id); // ['thread:cpu', 'thread:gpu']
 * const world = new ControlledWorld(settle(compiled)); // what worldFor() does
 * ```
 */
export async function compileScenario(loaded: LoadedScenario, options: CompileOptions = {}): Promise<CompiledScenario> {
  const { scenario, file } = loaded;
  const processes = Object.keys(scenario.processes);
  const devices = Object.keys(scenario.devices);
  const fences = Object.keys(scenario.fences);
  const kernel: ActorSpec[] = [];
  const drivers: Record<string, string> = {};
  const version = options.kernel ?? kernelVersionsOf(scenario.kernel)[0];

  processes.forEach((p, i) => {
    const spec = scenario.processes[p];
    if (spec.forkedFrom && !scenario.processes[spec.forkedFrom]) {
      throw new ScenarioError(
        `${loaded.where(['processes', p, 'forkedFrom'])}: no process '${spec.forkedFrom}' to fork from`,
      );
    }
    kernel.push({
      id: `mm:${p}`,
      machine: mmMachine,
      input: {
        core: `core:${p}`,
        pageSize: scenario.pageSize,
        wordsPerPage: scenario.wordsPerPage,
        pfnBase: (i + 1) * 1000,
        child: Boolean(spec.forkedFrom),
        // Every other process: shared file and shmem pages are one page cache (page-cache-sync.ts).
        peers: processes.filter((q) => q !== p).map((q) => `mm:${q}`),
        kernel: version,
      },
    });
    kernel.push({ id: `core:${p}`, machine: notifierCoreMachine, input: { mm: `mm:${p}` } });
  });

  for (const f of fences) kernel.push({ id: `fence:${f}`, machine: dmaFenceMachine, input: { ...scenario.fences[f] } });

  for (const d of devices) {
    const dev = scenario.devices[d];
    const where = loaded.where(['devices', d]);
    if (!scenario.processes[dev.process])
      throw new ScenarioError(`${where}: device '${d}' mirrors unknown process '${dev.process}'`);
    const { machine, name } =
      options.driverOverride ?? (await resolveDriver(dev.driver, file, where, options.loadDriver));
    drivers[d] = name;
    const sub = dev.subscription ?? WHOLE_ADDRESS_SPACE;
    const takesLock = dev.completion.takesLock;
    if (takesLock && !devices.includes(takesLock)) {
      throw new ScenarioError(
        `${where}: completion.takesLock names '${takesLock}', which is not a device (its lock is lock:<device>)`,
      );
    }
    const allocates = dev.completion.allocates;
    if (allocates && !scenario.processes[allocates.process]) {
      throw new ScenarioError(`${where}: completion.allocates names unknown process '${allocates.process}'`);
    }
    kernel.push({ id: `lock:${d}`, machine: ptLockMachine, input: { kind: dev.lock } });
    kernel.push({
      id: `sub:${d}`,
      machine: rangeNotifierMachine,
      // Its answers run on the reader's stack and its invalidate op on the invalidating thread's:
      // nothing orders what it does for different threads (delivery.ts).
      concurrent: true,
      input: { core: `core:${dev.process}`, driver: `drv:${d}`, start: sub.start, length: sub.length },
    });
    kernel.push({
      id: `dev:${d}`,
      machine: deviceMachine,
      // The device is a processor of its own: a driver posts commands to it (delivery.ts).
      asynchronous: true,
      input: {
        driver: `drv:${d}`,
        pageSize: scenario.pageSize,
        completion: {
          ...(takesLock ? { takesLock: `lock:${takesLock}` } : {}),
          ...(allocates ? { allocates: { mm: `mm:${allocates.process}`, addr: allocates.addr } } : {}),
        },
      },
    });
    const builtin = options.driverOverride || isPath(dev.driver) ? null : dev.driver;
    if (!options.driverOverride && !builtin && dev.bugs.length) {
      throw new ScenarioError(
        `${loaded.where(['devices', d, 'bugs'])}: bugs [${dev.bugs.join(', ')}] are planted bugs of the built-in profiles; the custom module ${dev.driver} does not take them: remove 'bugs'`,
      );
    }
    if (builtin) checkPlantedBugs(loaded, d, builtin, dev.bugs);
    kernel.push({
      id: `drv:${d}`,
      machine,
      // A driver's fault path, callback and submissions are threads of their own (delivery.ts).
      concurrent: true,
      input: {
        ...driverInput(scenario, { device: d, spec: dev, builtin }),
        // dmirror keeps its page table itself: the monitors read it from the driver actor.
        ...(name === 'dmirror'
          ? { dev: `drv:${d}`, wordsPerPage: scenario.wordsPerPage, subscribed: dev.subscribe }
          : {}),
      },
    });
  }

  const threadNames = Object.keys(scenario.threads);
  const ctxFor = (process: string | undefined, where: string, thread?: string): OpContext => ({
    process,
    processes,
    devices,
    fences,
    threads: threadNames,
    thread,
    where,
  });

  // Set-up: map, populate, subscribe.
  const setupOps: ThreadOp[] = [];
  for (const p of processes) {
    const spec = scenario.processes[p];
    spec.vmas.forEach((v, k) => {
      const op = { mmap: { ...v, process: p } };
      setupOps.push(compileOp(op, ctxFor(p, loaded.where(['processes', p, 'vmas', k]))));
    });
    spec.populate.forEach((w, k) => {
      for (let c = 0; c < w.count; c++) {
        const addr = w.addr + c * (scenario.pageSize / scenario.wordsPerPage);
        const op = { write: { process: p, addr, value: w.value } };
        setupOps.push(compileOp(op, ctxFor(p, loaded.where(['processes', p, 'populate', k]))));
      }
    });
  }
  for (const d of devices) {
    const dev = scenario.devices[d];
    const s = dev.subscription ?? WHOLE_ADDRESS_SPACE;
    if (!dev.subscribe) continue;
    setupOps.push({
      to: `core:${dev.process}`,
      event: { type: 'core.insert', sub: `sub:${d}`, start: s.start, length: s.length },
      label: `subscribe ${d}`,
      expect: { result: 0 },
    });
  }

  const threads: ActorSpec[] = Object.entries(scenario.threads).map(([name, t]) => ({
    id: `thread:${name}`,
    machine: threadMachine,
    input: {
      ops: t.ops.map((op, k) => {
        const compiled = compileOp(op, ctxFor(t.process, loaded.where(['threads', name, 'ops', k]), name));
        if (compiled.event.type === 'core.insert') {
          const d = (op.subscribe as { device: string }).device;
          const s = scenario.devices[d].subscription ?? WHOLE_ADDRESS_SPACE;
          compiled.event = { ...compiled.event, start: s.start, length: s.length };
        }
        return compiled;
      }),
      ...(t.loop ? { loop: true } : {}),
    },
  }));
  for (const [name, t] of Object.entries(scenario.threads)) {
    const inputs = threads.find((a) => a.id === `thread:${name}`)!.input as { ops: ThreadOp[] };
    if (t.loop && inputs.ops.every((op) => op.reply === 'none'))
      throw new ScenarioError(
        `${loaded.where(['threads', name, 'loop'])}: a thread with 'loop: forever' needs an op that waits for a reply (every op here is fire-and-forget, so it would spin without ever yielding)`,
      );
  }
  if (threads.length === 0)
    throw new ScenarioError(`${loaded.where(['threads'])}: a scenario needs at least one thread`);
  wireSignals(threads, kernel);

  return {
    file,
    scenario,
    kernel,
    setup: { id: 'thread:setup', machine: threadMachine, input: { ops: setupOps } },
    threads,
    drivers,
  };
}

/** A built-in profile's planted bugs are the known ones; dmirror has none. */
function checkPlantedBugs(loaded: LoadedScenario, device: string, profile: string, bugs: string[]): void {
  const known: readonly string[] = profile === 'dmirror' ? [] : DRIVER_BUGS;
  bugs.forEach((bug, k) => {
    if (known.includes(bug)) return;
    throw new ScenarioError(
      `${loaded.where(['devices', device, 'bugs', k])}: unknown planted bug '${bug}' for driver ${profile}: ${known.length ? `use one of ${known.join(', ')}` : `${profile} has no planted bugs: remove 'bugs'`}`,
    );
  });
}

/** Whether a scenario's `driver:` names a module file rather than a built-in profile. */
export function isPath(driver: string): boolean {
  return driver.startsWith('.') || driver.startsWith('/') || /\.(m?[jt]s)$/.test(driver);
}

async function resolveDriver(
  driver: string,
  file: string,
  where: string,
  loadDriver: DriverLoader | undefined,
): Promise<{ machine: AnyStateMachine; name: string }> {
  if (!isPath(driver)) {
    const machine = driver === 'dmirror' ? dmirrorMachine : driverProfiles[driver];
    if (!machine) {
      throw new ScenarioError(
        `${where}: unknown driver '${driver}': use a built-in profile (${[...Object.keys(driverProfiles), 'dmirror'].join(', ')}) or a path like ./my-driver.ts`,
      );
    }
    return { machine, name: driver };
  }
  if (!loadDriver) {
    throw new ScenarioError(
      `${where}: driver ${driver} is a module file, which only the Node entry ('mirrorlab') loads: here, pass the driver machine itself (the 'driver' option) or use a built-in profile`,
    );
  }
  return { machine: await loadDriver(driver, file, where), name: driver };
}
