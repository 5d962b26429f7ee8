/**
 * The page's Content-Security-Policy forbids eval, and zod probes for it (`new Function`) while
 * the scenario schema is being built, which the browser reports as a policy violation. Imported
 * first by main.ts so zod is told before any schema exists: it then checks without that probe.
 */
import { config } from 'zod';

config({ jitless: true });
