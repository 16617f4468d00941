// The response-size cap: a body is counted as it streams in and refused once it passes the cap, so the
// client never holds more than `maxBytes` of one answer (a declared Content-Length over the cap is
// refused before reading anything).
import { MedkitResponseTooLargeError } from './errors.js';

/** Statuses whose responses carry no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

function tooLarge(res: Response, maxBytes: number, what: string): MedkitResponseTooLargeError {
  return new MedkitResponseTooLargeError(`${what}: the answer is larger than ${maxBytes} bytes (maxResponseBytes)`, res.status, maxBytes);
}

/**
 * `res` with its body capped at `maxBytes` (Infinity: uncapped). Throws at once when Content-Length
 * says more; otherwise reading the returned body fails with MedkitResponseTooLargeError at the first
 * byte past the cap.
 */
export function boundedResponse(res: Response, maxBytes: number, what: string): Response {
  if (!Number.isFinite(maxBytes) || !res.body || NULL_BODY.has(res.status)) return res;
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    void res.body.cancel().catch(() => undefined);
    throw tooLarge(res, maxBytes, what);
  }
  let seen = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > maxBytes) controller.error(tooLarge(res, maxBytes, what));
      else controller.enqueue(chunk);
    },
  });
  return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** `body` passed through unchanged, calling `done` once when it ends, fails or is cancelled (a download's deadline then stops). */
export function onSettled(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let settled = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    done();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          settle();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        settle();
        controller.error(err);
      }
    },
    async cancel(reason) {
      settle();
      await reader.cancel(reason);
    },
  });
}
