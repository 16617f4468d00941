// One HTTP request exactly as written: no URL normalisation, any Host header, bodies on any method
// (fetch would normalise the path and refuse to set Host).
import { request as httpRequest } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** `method path` to the gateway at `url` (loopback), answered within 10 s or failed. */
export function rawHttp(url: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  const port = Number(new URL(url).port);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: opts.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
