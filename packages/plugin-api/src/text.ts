// Device strings made safe to show: what a plugin reads from a field device is untrusted input.

/** Bounds of a plugin nameplate. */
export const PLUGIN_IDENTITY_LIMITS = { text: 256, extras: 32 } as const;

/**
 * A device string made safe to show: C0/C1 control characters (and DEL) removed, trimmed, cut to `max`
 * characters (never in the middle of a surrogate pair). Non-strings give undefined.
 */
export function cleanText(v: unknown, max: number = PLUGIN_IDENTITY_LIMITS.text): string | undefined {
  if (typeof v !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const s = v.slice(0, max * 4).replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return Array.from(s).slice(0, max).join('') || undefined;
}
