/**
 * What a monitor sees of an actor's situation, as one small integer per local situation, so the
 * monitor plan (monitor-plan.ts) remembers "judged before" by what a monitor reads rather than
 * by the whole situation: a monitor that names the fields it reads (`Monitor.fieldsRead`) and the
 * messages on their way it reads (`Monitor.inFlight`) runs again only where one of those moved,
 * not where a field it never looks at did. The view of a local situation is what the checking
 * mode compares it by (monitor-audit.ts `seenThroughFields`, `seenOnTheWay`): the named context
 * fields (`STATE_VALUE`: the state value; or the whole snapshot), the messages of the named types in the inbox, timers, choice.
 */
import { fieldOf } from '../../monitors/monitor.ts';
import type { ControlledWorld } from '../../runtime/controlled-world.ts';

/** What a view keeps of an actor: context fields (null: the whole snapshot), inbox types (null: all). */
export interface ViewSpec {
  fields: readonly string[] | null;
  types: ReadonlySet<string> | null;
}

export class SituationView {
  /** Per local id: its view's id + 1 (0: not computed yet). */
  private ids = new Int32Array(256);
  private readonly byKey = new Map<string, number>();

  constructor(
    private readonly world: ControlledWorld,
    private readonly actor: number,
    private readonly spec: ViewSpec,
  ) {}

  /** The view of local situation `local` of the actor (equal ids: equal views). */
  of(local: number): number {
    if (local < this.ids.length) {
      const known = this.ids[local];
      if (known !== 0) return known - 1;
    } else {
      const more = new Int32Array(Math.max(this.ids.length * 2, local + 1));
      more.set(this.ids);
      this.ids = more;
    }
    const key = this.key(local);
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.byKey.size;
      this.byKey.set(key, id);
    }
    this.ids[local] = id + 1;
    return id;
  }

  private key(local: number): string {
    const { world, actor, spec } = this;
    const l = world.local(actor, local);
    const inbox = spec.types === null ? l.inbox : l.inbox.filter((m) => spec.types!.has(world.message(m).event.type));
    let seen: string;
    if (spec.fields === null) seen = `${l.snap}`;
    else {
      const snapshot = world.snapshotById(actor, l.snap);
      seen = JSON.stringify(spec.fields.map((f) => fieldOf(snapshot, f)));
    }
    return `${seen}:${inbox.join('.')}:${l.timers.join('.')}:${l.choice}`;
  }
}

/**
 * The views of one world, one per (actor, spec): null where a spec keeps everything (the local
 * id itself is then the view).
 */
export class SituationViews {
  private readonly views = new Map<string, SituationView>();

  constructor(private readonly world: ControlledWorld) {}

  get(actor: number, spec: ViewSpec): SituationView | null {
    if (spec.fields === null && spec.types === null) return null;
    const key = `${actor}|${spec.fields?.join(',') ?? '*'}|${spec.types ? [...spec.types].sort().join(',') : '*'}`;
    let v = this.views.get(key);
    if (!v) {
      v = new SituationView(this.world, actor, spec);
      this.views.set(key, v);
    }
    return v;
  }
}

/** A spec that keeps all that each of `specs` keeps (what several monitors reading one actor see together). */
export function joinSpecs(specs: readonly ViewSpec[]): ViewSpec {
  if (specs.some((s) => s.fields === null) || specs.length === 0) {
    return { fields: null, types: joinTypes(specs) };
  }
  const fields = [...new Set(specs.flatMap((s) => s.fields!))].sort();
  return { fields, types: joinTypes(specs) };
}

function joinTypes(specs: readonly ViewSpec[]): ReadonlySet<string> | null {
  if (specs.length === 0 || specs.some((s) => s.types === null)) return null;
  return new Set(specs.flatMap((s) => [...s.types!]));
}
