/**
 * Headless Chromium for the browser tests: playwright-core driving Debian's `chromium`
 * (installed by `npm run browser:install`, never a downloaded build). A test that needs it calls
 * `launchChromium()`; when the binary is missing it fails with the command that installs it.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.MIRRORLAB_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: run \`npm run browser:install\` (Debian's chromium package)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}
