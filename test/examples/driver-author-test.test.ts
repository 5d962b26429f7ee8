/**
 * The driver author's test file of docs/driver-protocol.md ("Testing your driver"),
 * examples/drivers/minimal-driver.test.ts, runs here as part of the suite: importing it
 * registers its tests (its `mirrorlab/testing` import means the sources: vitest.config.ts).
 */
import '../../examples/drivers/minimal-driver.test.ts';

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('docs/driver-protocol.md, "Testing your driver"', () => {
  it('should show the example file as it is', () => {
    const doc = readFileSync('docs/driver-protocol.md', 'utf8');
    const block = /<!-- driver-test-example:begin -->\n```ts\n([\s\S]*?)```\n<!-- driver-test-example:end -->/.exec(
      doc,
    );
    expect(block?.[1]).toBe(readFileSync('examples/drivers/minimal-driver.test.ts', 'utf8'));
  });
});
