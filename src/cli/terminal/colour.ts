/**
 * Colour for the terminal, by the usual conventions and as Node itself reads them:
 * `FORCE_COLOR` decides when set (`0` or `false` off, anything else on), then `NO_COLOR` (set,
 * not empty) turns it off, and otherwise it is on only when the stream is a terminal. https://no-color.org, https://force-color.org
 */
export interface Stream {
  isTTY?: boolean;
}

export function colourWanted(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force === '0' || force === 'false') return false;
  if (force !== undefined) return true;
  if (env.NO_COLOR) return false;
  return Boolean(stream.isTTY);
}

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function paint(on: boolean): Paint {
  if (!on) return { red: plain, green: plain, yellow: plain, bold: plain, dim: plain };
  return { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
}

/** Colour for what a command prints on stdout. */
export const stdoutPaint = () => paint(colourWanted(process.stdout));

/** The verdict words of check, replay and run in their colours. */
export function verdictColour(p: Paint, word: string): string {
  if (/^(PASS|ok|REPRODUCED|keeps)$/.test(word)) return p.green(word);
  if (/^(INCONCLUSIVE|inconclusive|SKIPPED|skipped)$/.test(word)) return p.yellow(word);
  if (/^(FAIL|MISMATCH|BREAKS|ERROR|VIOLATION|DIVERGED|NOT REPRODUCED|violation)$/.test(word))
    return p.red(p.bold(word));
  return word;
}
