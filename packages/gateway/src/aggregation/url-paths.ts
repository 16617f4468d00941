// Path helpers shared by forwarding, fan-out and member dispatch.

/** Percent-decodes one path segment; undefined for malformed encoding (never throws on client or peer input). */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The path of a request URL without its query, duplicate slashes collapsed as the router does. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return (q < 0 ? url : url.slice(0, q)).replace(/\/{2,}/g, '/');
}
