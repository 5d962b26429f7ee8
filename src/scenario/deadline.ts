/**
 * The time budget of checking one scenario (`check --time S`, or DEFAULT_TIME_SECONDS): one
 * deadline that loading the driver module, set-up and the search all answer to, so a scenario
 * ends within about a second of its budget whichever phase would run long.
 */
import { ScenarioError } from './scenario-error.ts';

/** The budget of a scenario when `--time` is not given (docs/reliability.md). */
export const DEFAULT_TIME_SECONDS = 600;
/** The budget of the whole conformance suite when `conformance --time` is not given: about ten times what it takes. */
export const CONFORMANCE_TIME_SECONDS = 1800;
/** How long importing one driver module may take when nothing tighter applies. */
export const IMPORT_TIMEOUT_SECONDS = 60;

/**
 * A time budget that loading, set-up and the search share (`--time`): made with
 * `Deadline.after(seconds)`, asked how much is left.
 *
 * @example
 * ```ts
 * import { createWorld, Deadline } from 'mirrorlab';
 *
 * const deadline = Deadline.after(30); // 30 s for the whole run
 * const world = await createWorld('scenarios/seeds/fault-vs-unmap.yaml', { deadline });
 * deadline.remainingSeconds();
 * ```
 */
export class Deadline {
  private constructor(
    /** `performance.now()` at which the budget is spent. */
    readonly at: number,
    /** The budget in seconds, for messages. */
    readonly seconds: number,
  ) {}

  static after(seconds: number = DEFAULT_TIME_SECONDS): Deadline {
    return new Deadline(performance.now() + seconds * 1000, seconds);
  }

  remainingMs(): number {
    return Math.max(0, this.at - performance.now());
  }

  /** Seconds left for the search (never 0: a search with no time still reports what it covered). */
  remainingSeconds(): number {
    return Math.max(0.001, this.remainingMs() / 1000);
  }

  /** What importing a driver module may take now: what is left, but never more than IMPORT_TIMEOUT_SECONDS. */
  importSeconds(): number {
    return Math.min(this.remainingSeconds(), IMPORT_TIMEOUT_SECONDS);
  }

  passed(): boolean {
    return performance.now() >= this.at;
  }

  /** `where: <what> did not finish within the <S> s budget: <fix>`, when the deadline has passed. */
  check(where: string, what: string, fix: string): void {
    if (this.passed()) throw new ScenarioError(overBudget(where, what, this.seconds, fix));
  }
}

/** `where: <what> did not finish within the time budget of <S> s (--time): <fix>`. */
export function overBudget(where: string, what: string, seconds: number, fix: string): string {
  return `${where}: ${what} did not finish within the time budget of ${Number(seconds.toPrecision(2))} s (--time): ${fix}`;
}

/**
 * `promise`, or a located error once `seconds` have passed. A module import that never settles
 * is left behind (it cannot be cancelled); the timer keeps the process alive until then.
 */
export async function withinSeconds<T>(
  promise: Promise<T>,
  seconds: number,
  where: string,
  what: string,
  fix: string,
  /** The whole budget, for the message, when `seconds` is what is left of it. */
  budgetSeconds = seconds,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioError(overBudget(where, what, budgetSeconds, fix))), seconds * 1000);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
