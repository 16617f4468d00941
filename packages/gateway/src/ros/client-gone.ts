// An AbortSignal that fires when the HTTP client goes away before its answer was written, so a
// ROS round trip nobody waits for any more is dropped at once. (The request stream's own 'close'
// fires as soon as a body was read, hence the response side.)
import type { ServerResponse } from 'node:http';

export function clientGone(res: ServerResponse): AbortSignal {
  const c = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) c.abort();
  });
  return c.signal;
}
