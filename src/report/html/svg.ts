/** Escaping and measuring for the report's hand-written SVG and HTML. */

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Width of text in the report's 12px monospace font (7.2px a character). */
export const textWidth = (s: string, px = 12) => Math.ceil(s.length * px * 0.6);

/** At most `max` characters, the rest as `…` (the full text goes in a `<title>`). */
export const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
