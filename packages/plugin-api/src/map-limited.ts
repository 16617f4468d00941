// Bounded parallelism for fan-outs whose size comes from outside (peer gateways, an entity's data items, the
// processes of /proc): at most `parallel` calls of `fn` in flight, results in the order of `items`. A pool, not
// batches: a slow item holds up only its own slot, where fixed batches of N wait for each batch's slowest.

/** Runs `fn` over `items`, at most `parallel` at a time, keeping the order of `items` in the results. */
export async function mapLimited<T, R>(items: readonly T[], parallel: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return out;
}
