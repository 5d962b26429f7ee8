/**
 * The warning `check --driver` gives when a driver's fault path has no retry bound. It is
 * found, not guessed: the driver is put in the slot of the bundled scenario
 * fault-vs-endless-remap (one fault while another thread keeps changing the mapping, forever)
 * and the liveness pass asks whether the fault can be sent back to retry forever. A driver
 * that gives up with -EBUSY after a bounded number of restarts, as the kernel's
 * hmm_range_fault users do after HMM_RANGE_DEFAULT_TIMEOUT, passes.
 */
import { fileURLToPath } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { livelockSearch } from '../explorer/liveness/livelock-search.ts';
import { driverMisfit } from './driver-fit.ts';
import { worldFor } from './world-for.ts';

/** The probe scenario, beside this file in the sources or in the build (dist/src/check). */
const PROBE = fileURLToPath(
  new URL(
    `${import.meta.url.endsWith('.ts') ? '../..' : '../../..'}/scenarios/seeds/fault-vs-endless-remap.yaml`,
    import.meta.url,
  ),
);

/**
 * A bound on the probe's work: the bounded built-in drivers need about 1 500 states, a driver
 * whose messages pile up forever (one that returns before the flush) never ends and stops here.
 */
const PROBE_STATES = 20_000;

/** The warning text, or null when the fault always ends (or the driver takes no `drv.fault`). */
export async function retryBoundWarning(driver: { machine: AnyStateMachine; name: string }): Promise<string | null> {
  const { compiled, world } = await worldFor(PROBE, driver);
  if (driverMisfit(driver.machine, compiled)) return null;
  let found: ReturnType<typeof livelockSearch>['violations'][number] | undefined;
  try {
    found = livelockSearch(world, { maxStates: PROBE_STATES, renamed: true }).violations[0];
  } catch {
    // A driver that throws is reported by the battery itself, as a model-error with its step.
    return null;
  }
  if (!found) return null;
  return [
    `warning: ${driver.name}: a fault can be retried forever. While another thread keeps changing the mapping`,
    `(scenarios/seeds/fault-vs-endless-remap.yaml), ${found.message.split(', forever:')[0]} and never gets it:`,
    `a loop of ${found.steps - (found.loopFrom ?? 0)} steps repeats after ${found.loopFrom} steps. The kernel's hmm_range_fault walk gives up after`,
    'HMM_RANGE_DEFAULT_TIMEOUT; give up with -EBUSY after a bounded number of restarts (docs/driver-protocol.md, "Liveness").',
  ].join('\n');
}
