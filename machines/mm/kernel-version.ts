/**
 * The kernel versions whose behaviour the model can take where they differ, and the `kernel:`
 * field of a scenario that names the ones it expects.
 *
 * - `v6.12`: the baseline (docs/kernel-semantics.md §0).
 * - `upstream`: torvalds/linux after v6.12 as stored for this project (hmm-tests.c at commit
 *   0eaed89c), with the device-private THP migration series: a THP migrated to device-private
 *   memory whole stays one PMD-sized device entry (SNAPSHOT reports PMD), split on the first
 *   CPU fault of one of its pages.
 *
 * A spec is one version (`v6.12`), or a version and everything after it (`'>=v6.12'`).
 */
export const KERNEL_VERSIONS = ['v6.12', 'upstream'] as const;
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];

/** The versions a spec admits, in order; throws the fix for a spec it cannot read. */
export function kernelVersionsOf(spec: string): KernelVersion[] {
  const newer = spec.startsWith('>=');
  const name = (newer ? spec.slice(2) : spec).trim();
  const at = KERNEL_VERSIONS.indexOf(name as KernelVersion);
  if (at < 0)
    throw new Error(
      `kernel '${spec}' is not one of ${KERNEL_VERSIONS.join(', ')} (or '>=' one of them, e.g. '>=v6.12')`,
    );
  return newer ? KERNEL_VERSIONS.slice(at) : [KERNEL_VERSIONS[at]];
}

/** Whether `version` has the behaviours of `since` (versions are ordered as listed). */
export function kernelAtLeast(version: KernelVersion, since: KernelVersion): boolean {
  return KERNEL_VERSIONS.indexOf(version) >= KERNEL_VERSIONS.indexOf(since);
}
