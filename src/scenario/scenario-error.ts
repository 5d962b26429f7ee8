/**
 * The error of bad input, in a file of its own: the CLI's start-up (exit codes, time budgets)
 * needs the class without loading the scenario parser (yaml, the zod schema) it belongs to.
 */
/**
 * A scenario that cannot be loaded, compiled or set up: the message names the file, the place and
 * the fix (the CLI prints it without a stack trace and exits with 2).
 *
 * @example
 * ```ts
 * import { checkScenario, ScenarioError } from 'mirrorlab';
 *
 * try {
 *   await checkScenario('my-scenario.yaml');
 * } catch (e) {
 *   if (!(e instanceof ScenarioError)) throw e;
 *   console.error(e.message);
 * }
 * ```
 */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}
