// Text inside an RFC 5424 message (docs/logs-export.md, "What a message can carry"): a fault description or a
// /rosout line comes from any node on the robot, so nothing in it may end the record or look like another one to
// the server or to whoever reads its files in a terminal. Every character that could is written as a visible
// JSON-style escape, and `\` itself is doubled, so the escaped text reads back to exactly the original.

/**
 * What is escaped: controls (Unicode Cc: C0 with CR, LF, ESC and BEL, DEL, C1 with NEL), format characters (Cf:
 * the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E, U+200F and
 * U+061C, zero-width characters, the BOM), the line and paragraph separators (Zl, Zp) and lone surrogates (Cs).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `\uXXXX` per UTF-16 unit (an astral format character becomes its surrogate pair, as in JSON). */
function escapeUnits(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** MSG text: `\` doubled, every unsafe character escaped. */
export function syslogText(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(UNSAFE, escapeUnits);
}

/**
 * An SD-PARAM value: the MSG text, then `"`, `\` and `]` escaped with `\` as RFC 5424 §6.3.3 requires, so a
 * server's RFC 5424 parse gives back the MSG form, which reads back to the original.
 */
export function sdValue(v: string): string {
  return syslogText(v).replace(/[\\"\]]/g, (c) => `\\${c}`);
}
