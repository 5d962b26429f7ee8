/**
 * The studio's guided simulation, with no DOM: a scenario's controlled world, the schedule
 * chosen so far and a cursor on it (undo moves the cursor back; a different choice there cuts
 * the rest). The monitors judge the schedule up to the cursor by replaying it, so what they say
 * at step k never depends on how the user got there.
 */
import {
  type ControlledWorld,
  defaultMonitors,
  type FoundViolation,
  parseScenario,
  replayTrace,
  type SemanticStep,
  type Step,
  scenarioWorld,
  type WorldState,
} from 'mirrorlab/browser';
import { seqText, stateText } from '../../report/state-text.ts';
import type { StudioInput } from './studio-input.ts';

export interface EnabledStep {
  step: Step;
  semantic: SemanticStep;
}

export interface ActorView {
  id: string;
  state: string;
  seq: string;
  /** Messages waiting in its inbox. */
  inbox: number;
  /** It took the step that led here. */
  moved: boolean;
  context: unknown;
}

export class StudioSession {
  /** The schedule: every step chosen (or preloaded), some of them perhaps undone. */
  private path: SemanticStep[] = [];
  /** `states[k]`: the world after the first k steps of the path. */
  private states: WorldState[];
  /** How many steps of the path are taken. */
  cursor = 0;
  /** Where a preloaded trace stopped matching the scenario, if it did. */
  readonly divergence: { at: number; wanted: SemanticStep } | null = null;

  private constructor(
    readonly input: StudioInput,
    readonly world: ControlledWorld,
  ) {
    this.states = [world.initial];
    const trace = input.trace;
    if (!trace) return;
    for (const [i, wanted] of trace.steps.entries()) {
      const step = world.match(this.state, wanted);
      if (!step) {
        this.divergence = { at: i, wanted };
        break;
      }
      this.take(step);
    }
  }

  /** Parse the scenario text in the page and start at its initial state (a trace: at its end). */
  static async open(input: StudioInput): Promise<StudioSession> {
    const { world } = await scenarioWorld(parseScenario(input.scenario.text, input.scenario.name));
    return new StudioSession(input, world);
  }

  get state(): WorldState {
    return this.states[this.cursor];
  }

  /** The whole schedule, the undone steps after the cursor included. */
  get schedule(): readonly SemanticStep[] {
    return this.path;
  }

  /** The schedule up to the cursor: what a saved trace holds. */
  get taken(): SemanticStep[] {
    return this.path.slice(0, this.cursor);
  }

  enabled(): EnabledStep[] {
    const s = this.state;
    return this.world.enabled(s).map((step) => ({ step, semantic: this.world.describe(s, step) }));
  }

  /** Take an enabled step; a step other than the next one of the schedule cuts the schedule there. */
  choose(step: Step): void {
    const semantic = this.world.describe(this.state, step);
    const next = this.path[this.cursor];
    if (next && sameStep(next, semantic)) {
      this.cursor++;
      return;
    }
    this.path.length = this.cursor;
    this.states.length = this.cursor + 1;
    this.take(step);
  }

  back(): void {
    if (this.cursor > 0) this.cursor--;
  }

  forward(): void {
    if (this.cursor < this.path.length) this.cursor++;
  }

  goTo(k: number): void {
    this.cursor = Math.max(0, Math.min(this.path.length, k));
  }

  /** Back to the initial state with an empty schedule. */
  restart(): void {
    this.path = [];
    this.states = [this.world.initial];
    this.cursor = 0;
  }

  /** What the monitors found on the schedule up to the cursor (one per kind, the first). */
  verdict(): FoundViolation[] {
    return this.judge(this.taken);
  }

  /** What the monitors find on the whole schedule, each with the step it was found at. */
  verdictOfSchedule(): FoundViolation[] {
    return this.judge(this.path);
  }

  actors(): ActorView[] {
    const s = this.state;
    const mover = this.cursor > 0 ? this.path[this.cursor - 1].actor : null;
    return this.world.actors.map((a, i) => {
      const snap = this.world.snapshot(s, i);
      return {
        id: a.id,
        state: stateText(snap.value),
        seq: seqText(snap),
        inbox: this.world.inbox(s, i).length,
        moved: a.id === mover,
        context: snap.context,
      };
    });
  }

  /** The state change of the actor that took step k (1-based), as the ladder writes it. */
  change(k: number): string {
    const actor = this.world.indexOf(this.path[k - 1].actor);
    const a = stateText(this.world.snapshot(this.states[k - 1], actor).value);
    const b = stateText(this.world.snapshot(this.states[k], actor).value);
    return a === b ? '' : `${a} → ${b}`;
  }

  private take(step: Step): void {
    const { state, record } = this.world.apply(this.state, step);
    this.path.push(this.world.semantic(record));
    this.states.push(state);
    this.cursor++;
  }

  private judge(steps: SemanticStep[]): FoundViolation[] {
    return replayTrace(this.world, steps, defaultMonitors(), this.input.trace?.witnesses ?? []).violations;
  }
}

function sameStep(a: SemanticStep, b: SemanticStep): boolean {
  return (
    a.kind === b.kind &&
    a.actor === b.actor &&
    a.from === b.from &&
    (a.thread === undefined || b.thread === undefined || a.thread === b.thread) &&
    JSON.stringify(a.event) === JSON.stringify(b.event)
  );
}
