/**
 * The driver author's test file of docs/driver-protocol.md ("Testing your driver"),
 * examples/drivers/minimal-driver.test.ts, runs here as part of the suite: importing it
 * registers its tests (its `mirrorlab/testing` import means the sources: vitest.config.ts).
 */
import '../../examples/drivers/minimal-driver.test.ts';
