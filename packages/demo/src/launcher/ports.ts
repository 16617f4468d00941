/** Checks, before starting anything, that a port on 127.0.0.1 can be listened on. */
import { createServer } from 'node:net';
import { HOST } from './plan.js';

/** Null when free; otherwise a short reason ("is already in use"). */
export function portProblem(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${err.code ?? err.message})`));
    srv.listen(port, HOST, () => srv.close(() => resolve(null)));
  });
}
