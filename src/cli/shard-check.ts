/**
 * `check --shard i/n`: run one shard of a campaign (explorer/search/shard.ts) and write its part for
 * `mirrorlab merge` (`--shard-out FILE`, or printed with `--json`). A shard alone gives no
 * verdict: it exits 0 once its part is written (2 for bad input), and the merge of all n files
 * judges, with the exit codes of `check`.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckOptions, CheckOutcome } from '../check/check-scenario.ts';
import { type Campaign, sha256Of, shardFile } from '../check/shard-result.ts';
import { interrupted } from '../explorer/search/interrupt.ts';
import { FRONTIER_PER_SHARD, type ShardSpec, shardText } from '../explorer/search/shard.ts';
import { ScenarioError } from '../scenario/load.ts';
import type { CheckCommandOptions } from './check-command.ts';
import { errorText, type FileError } from './check-files.ts';
import { EXIT_CODE } from './exit-codes.ts';
import { prepareFolder, writeFileAtomic } from './safe-write.ts';

/** The shard options, and those that cannot go with `--shard`, refused before any search starts. */
export function checkShardOptions(o: CheckCommandOptions): void {
  const { shard } = o;
  if (!shard) {
    const lone = o.shardOut !== undefined ? '--shard-out' : o.shardFrontier !== undefined ? '--shard-frontier' : null;
    if (lone) throw new ScenarioError(`${lone} goes with --shard i/n: add --shard, or drop ${lone}`);
    return;
  }
  if (o.shardFrontier === 0)
    throw new ScenarioError('--shard-frontier takes level states per shard, a whole number ≥ 1 (got 0)');
  const at = `--shard ${shardText(shard)}`;
  if (o.por || o.reduction === 'sleep') {
    const sleep = o.por ? '--por' : '--reduction sleep';
    throw new ScenarioError(
      `${at} ${sleep}: a sharded search keeps no sleep sets across shards; drop ${sleep} (the verdicts are the same without it)`,
    );
  }
  // Each shard owns states by a hash of their key; orbits would have to be owned whole, and the
  // merge would have to know the group. Until then, say so rather than drop --symmetry silently.
  if (o.symmetry)
    throw new ScenarioError(
      `${at} --symmetry: a sharded search does not identify replica permutations across shards yet; drop --symmetry (the verdicts are the same without it)`,
    );
  if (o.strategy === 'dfs')
    throw new ScenarioError(`${at}: splits a breadth-first search or a sampling campaign: use --strategy bfs, not dfs`);
  if (!o.shardOut && !o.json)
    throw new ScenarioError(
      `${at}: the shard's part is for 'mirrorlab merge': give --shard-out FILE to write it (or --json to print it)`,
    );
  if (o.shardOut) {
    if (existsSync(o.shardOut) && !o.force)
      throw new ScenarioError(`--shard-out ${o.shardOut}: the file exists; pass --force to overwrite it`);
    prepareFolder(dirname(o.shardOut), { create: false, option: '--shard-out' });
  }
}

/** The options that decide what a shard finds: every shard of a campaign must agree on them. */
export function campaignOf(o: CheckCommandOptions, options: CheckOptions): Campaign {
  return {
    strategy: o.strategy ?? null,
    seed: o.seed ?? null,
    schedules: o.schedules ?? null,
    pctDepth: o.pctDepth ?? null,
    maxDepth: o.maxDepth ?? null,
    maxStates: o.maxStates ?? null,
    timeLimit: o.time ?? null,
    maxMemoryMiB: o.maxMemory ?? null,
    params: options.params ?? {},
    driver: o.driver ? { path: o.driver, sha256: sha256Of(o.driver) } : null,
    minimize: o.minimize === false ? false : null,
    liveness: o.liveness !== false,
    fairness: o.fairness ?? null,
    checkMonitors: o.checkMonitors === true,
    frontierPerShard: o.shardFrontier ?? FRONTIER_PER_SHARD,
    // Shards keyed differently split the level differently (shard.ts hashes the key).
    reduction: options.reduction ?? 'canonical',
  };
}

/** Writes (and with `--json` prints) the shard's part; says what it covered. */
export function reportShard(
  shard: ShardSpec,
  campaign: Campaign,
  outcomes: CheckOutcome[],
  errors: FileError[],
  o: CheckCommandOptions,
  out: (s: string) => void,
): number {
  const file = shardFile(shard, campaign, outcomes, errors);
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (o.shardOut) writeFileAtomic(o.shardOut, text, { force: o.force ?? false });
  if (o.json) out(text.trimEnd());
  else {
    for (const e of errors) out(`${errorText(e)}\n`);
    for (const c of outcomes) out(partText(shard, c));
    out(
      `\nshard ${shardText(shard)} written to ${o.shardOut}: a part, not a verdict; 'mirrorlab merge' over the files of all ${shard.count} shards gives the verdict`,
    );
  }
  // A part is not a verdict, so a finished one exits 0 and the merge judges. An interrupted one
  // (SIGINT/SIGTERM) still writes what it has, but a job runner must not take it for done.
  if (errors.length) return EXIT_CODE.badInput;
  return interrupted() ? EXIT_CODE.inconclusive : EXIT_CODE.ok;
}

function partText(shard: ShardSpec, c: CheckOutcome): string {
  const lines = [`shard ${shardText(shard)}  ${c.scenario}  (${c.file})`];
  if (c.skipped) return [...lines, `      skipped: ${c.skipped}`].join('\n');
  const s = c.stats;
  const split = s.shard;
  const cover =
    s.schedules > 0
      ? `${s.schedules} schedules sampled (${s.states} states)`
      : `${s.states} states${s.complete ? ', its part complete' : `, cut short (${s.stoppedBy})`}`;
  const how = !split
    ? s.schedules === 0
      ? ' (searched whole)'
      : ''
    : split.level < 0
      ? ' (the space ended within the shared prefix: searched whole)'
      : ` (shared prefix ${split.prefixStates} states to depth ${split.level}; kept ${split.kept} of its ${split.levelStates} states)`;
  lines.push(`      ${cover}${how}, ${s.elapsedMs} ms`);
  for (const v of [...c.violations, ...c.observations])
    lines.push(
      `      found ${v.kind} after ${v.steps} steps${v.schedule ? ` (schedule ${v.schedule.index}, seed ${v.schedule.seed})` : ''}`,
    );
  return lines.join('\n');
}
