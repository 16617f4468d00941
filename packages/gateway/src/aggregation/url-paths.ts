// Path helpers shared by forwarding, fan-out and member dispatch.

export { decodeSegment } from '@medkit/server';

/** The path of a request URL without its query, duplicate slashes collapsed as the router does. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return (q < 0 ? url : url.slice(0, q)).replace(/\/{2,}/g, '/');
}
