/**
 * A value seen without what concerns some threads of control: the entries of a list that name
 * such a thread (an object whose `tid` it is, or the tid itself), at any depth. What a
 * `threadScoped` monitor never tells apart (monitor.ts): the checking mode compares situations
 * through it (explorer/search/monitor-audit.ts), and the search takes a reply that changes only
 * its own thread's part of an actor a thread-scoped monitor reads (explorer/reduction/returns.ts).
 */

/**
 * `x` without the list entries that concern a dropped thread: an object whose `tid` is one
 * (`drop(tid)`), or a string that is a tid (`isTid`) and dropped.
 */
export function withoutThreads(x: unknown, drop: (tid: string) => boolean, isTid: (s: string) => boolean): unknown {
  const concerns = (e: unknown): boolean =>
    typeof e === 'string'
      ? isTid(e) && drop(e)
      : typeof e === 'object' && e !== null && typeof (e as { tid?: unknown }).tid === 'string'
        ? drop((e as { tid: string }).tid)
        : false;
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.filter((e) => !concerns(e)).map(strip)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, strip(w)]))
        : v;
  return strip(x);
}

/** Whether `a` and `b` differ only in what concerns thread `tid` (`withoutThreads`). */
export function differOnlyFor(a: unknown, b: unknown, tid: string): boolean {
  const only = (t: string) => t === tid;
  return JSON.stringify(withoutThreads(a, only, only)) === JSON.stringify(withoutThreads(b, only, only));
}
