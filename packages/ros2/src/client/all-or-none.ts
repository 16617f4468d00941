// Building something out of several endpoints (a service client's writer and reader, an action client's three
// clients and two subscriptions) either succeeds whole or leaves nothing behind: under DDS-Security one of them
// may be refused (EndpointRefusedError) after the others were announced.

/** Makes one part, remembering it in `made`; when `make` throws, closes every part made so far (newest first) and rethrows. */
export function part<T extends { close(): void }>(made: { close(): void }[], make: () => T): T {
  try {
    const x = make();
    made.push(x);
    return x;
  } catch (err) {
    for (const m of made.splice(0).reverse()) {
      try {
        m.close();
      } catch {
        // closing what was just made is best effort; the refusal is what the caller must see
      }
    }
    throw err;
  }
}
