/**
 * Text that came from a server (a status line, an error body) or from an archive (a member
 * name) may carry terminal escape sequences: colours, a new window title, a cursor move that
 * hides the real message, a carriage return that overwrites it. Strip them before such text
 * reaches a message (issue 10 G).
 */

// ESC [ ... final byte (CSI), ESC ] ... BEL or ESC \ (OSC), ESC P/X/^/_ ... ESC \ (DCS, SOS, PM,
// APC), then any other two-byte ESC sequence.
const ESCAPE_SEQUENCES =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -~]?/g;
// C0 controls except tab and newline, DEL, and the C1 controls (0x80-0x9f; 0x9b is a one-byte CSI).
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g;

/** `text` without escape sequences and control characters (tab and newline are kept). */
export function stripControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROLS, '');
}

/** Server text fit for a one-line message: controls stripped, whitespace folded, at most `max` chars. */
export function serverText(text: string, max: number): string {
  const clean = stripControls(text).replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}
