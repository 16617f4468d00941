// One PostgreSQL transaction on a client checked out of a pool, for every medkit writer that needs one (the fault
// store's write queue, the fleet's ingest writer and schema migrations).
//
// Why not just `pool.connect()` / BEGIN / COMMIT / `release()`: node-postgres emits a lost connection (a server
// shutting down, a reset socket) as an 'error' event on the client, and while a client is checked out the pool
// listens for none. An emitted 'error' with no listener throws, and the process dies: a fleet replica whose
// database stopped in the middle of a write did exactly that. Here a listener is attached for as long as the client
// is held, and a client whose query failed is handed back with the error, so the pool closes it instead of lending
// out a connection that may be dead or still busy with a timed-out query.

/** What is used of a node-postgres client (structural, so this package does not depend on `pg`). */
export interface PgTransactionClient {
  query(text: string): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
  /** With an error (or true), the pool closes the client instead of keeping it. */
  release(err?: Error | boolean): void;
}

/**
 * Runs `work` between BEGIN and COMMIT on a client from `connect` (`() => pool.connect()`: a function, so the client's
 * own type, with its typed `query`, reaches `work`), and rolls back when it throws. Rejects with the
 * error of the query that failed (a connection lost between two queries fails the next one); a lost connection
 * never surfaces as an unhandled 'error' event.
 */
export async function withPgTransaction<C extends PgTransactionClient, T>(connect: () => Promise<C>, work: (client: C) => Promise<T>): Promise<T> {
  const client = await connect();
  let lost: Error | undefined;
  const onLost = (err: Error) => {
    lost ??= err;
  };
  client.on('error', onLost);
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    // A connection lost after COMMIT's answer changes nothing written; the client is only not kept (finally).
    return result;
  } catch (err) {
    failed = err as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onLost);
    client.release(failed ?? lost);
  }
}
