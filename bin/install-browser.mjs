#!/usr/bin/env node
// Installs the browser the browser tests use: Debian's `chromium` package (never a downloaded
// browser build). `npm run browser:install`; a no-op when /usr/bin/chromium is already there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.MIRRORLAB_CHROMIUM ?? '/usr/bin/chromium';

if (existsSync(CHROMIUM)) {
  console.log(`browser: ${CHROMIUM} is installed`);
} else {
  const asRoot = process.getuid?.() === 0;
  const apt = (...args) =>
    execFileSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['apt-get', ...args], { stdio: 'inherit' });
  try {
    apt('update');
    apt('install', '-y', '--no-install-recommends', 'chromium');
  } catch {
    console.error(
      `browser: could not install Debian's chromium (apt-get failed); install the package 'chromium' ` +
        `as root, or point MIRRORLAB_CHROMIUM at a Chromium binary`,
    );
    process.exit(2);
  }
  console.log(`browser: installed ${CHROMIUM}`);
}
