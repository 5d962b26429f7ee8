/** The examples every command's `--help` ends with (before the exit codes), by command name. */
export const HELP_EXAMPLES: Record<string, string> = {
  run: `
Examples:
  mirrorlab run scenarios/seeds/fault-vs-unmap.yaml              the default schedule, as a timeline
  mirrorlab run scenarios/seeds/fault-vs-unmap.yaml --seed 7     a seeded random schedule
  mirrorlab run scenarios/seeds/fault-vs-unmap.yaml --json       timeline, page tables, violations as JSON
  mirrorlab run scenarios/seeds/fault-vs-unmap.yaml --live --inspect ws://localhost:8080
                                                                 live actors into 'mirrorlab inspect'
  mirrorlab run scenarios/seeds/fault-vs-unmap.yaml --live --inspect-log run.jsonl`,
  check: `
Examples:
  mirrorlab check                                                every bundled scenario (scenarios/seeds)
  mirrorlab check scenarios/seeds/missing-set-seq.yaml --save-trace /tmp/traces/
  mirrorlab check scenarios/seeds --report /tmp/report           HTML: a page per scenario, index.html
  mirrorlab check big.yaml --strategy pct --schedules 100000 --workers 2
  mirrorlab check --driver examples/drivers/early-return-driver.ts
  mirrorlab check scenarios/seeds --json --quiet | jq '.scenarios[].verdict'
While searching, a progress line (states, states/s, depth, frontier, elapsed) is shown on stderr
when it is a terminal; --quiet turns it off. Colour follows NO_COLOR and FORCE_COLOR.`,
  machines: `
Examples:
  mirrorlab machines                        the machines and driver profiles, with their sizes
  mirrorlab machines range-notifier         one of them as a Mermaid state diagram
  mirrorlab machines --json                 the list as JSON`,
  replay: `
Examples:
  mirrorlab replay /tmp/traces/missing-set-seq.stale-spte.json
  mirrorlab replay trace.json --continue --max-states 100000   then explore on from its end
  mirrorlab replay trace.json --width 100                      fit the ladder to 100 columns
  mirrorlab report trace.json -o trace.html                    the same trace as an HTML page`,
  conformance: `
Examples:
  mirrorlab conformance                         the whole suite (about two minutes; progress on stderr)
  mirrorlab conformance --only hmm_anon_read    the tests whose name contains this
  mirrorlab conformance --json --quiet > conformance.json`,
  schema: `
Examples:
  mirrorlab schema -o scenario.schema.json      for yaml-language-server (# yaml-language-server: $schema=...)
  mirrorlab schema | jq '.properties | keys'`,
};
