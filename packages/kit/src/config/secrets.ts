// What the gateway never prints or logs (docs/configuration.md "Secrets"): the values of secret keys, and the
// password part of any URL, wherever a value or a message carries one (a PostgreSQL or NATS connection string, an
// error that quotes it).

/** Keys whose values are never shown: credentials by name. */
const SECRET_KEY = /secret|password|passwd|token|credential|seed|^auth\.clients$|private_key|auth_header|api_key|apikey|\.headers(\.|$)/i;

/** True for a key whose value is never shown (shown as `(hidden)`). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** `scheme://user:password@` (the password is what is hidden; a user alone is kept). */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*):[^\s/@"'<>]*@/gi;

/** `text` with the password of every URL in it replaced by `***`. */
export function redactUrlCredentials(text: string): string {
  return text.includes('://') ? text.replace(URL_CREDENTIALS, '$1:***@') : text;
}

/**
 * `value` with every field under a secret-named path hidden: a map or list value (e.g. an OTLP `endpoints` list
 * whose entries carry `headers`) is named by its own key, so `endpoints[0].headers` is checked as `endpoints.headers`.
 */
function hideNested(key: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => hideNested(key, v));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(`${key}.${k}`) ? '(hidden)' : hideNested(`${key}.${k}`, v)]));
}

/** A configuration value as messages may quote it: `(hidden)` for a secret key, else its JSON with nested secrets and URL passwords hidden. */
export function shownConfigValue(key: string, raw: unknown): string {
  if (isSecretKey(key)) return '(hidden)';
  return redactUrlCredentials(JSON.stringify(hideNested(key, raw)) ?? String(raw));
}

/** A log destination that hides URL passwords in every line before it is written. */
export function redactingDestination(inner: { write(s: string): unknown }): { write(s: string): unknown } {
  return { write: (s: string) => inner.write(redactUrlCredentials(s)) };
}
