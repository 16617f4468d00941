// The Node.js HTTP(S) server under the Fastify apps: its options from the configured limits. Fastify makes it
// itself for a server with one app; a server whose routes are built after it listens (http/deferred-app.ts)
// makes it here and hands it to each app (Fastify's serverFactory), with the same settings.
import { createServer as createHttp, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttps, type ServerOptions as HttpsServerOptions } from 'node:https';

/** The limits of the HTTP server (server.limits.*, server.keep_alive_timeout_sec). */
export interface HttpLimits {
  maxJsonBodyBytes: number;
  maxHeaderBytes: number;
  maxUrlLength: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;
export type NodeServer = NodeHttpServer;

/** The options of http.createServer (and https.createServer, next to the TLS ones) from the limits. */
export function nodeServerOptions(limits: HttpLimits): { maxHeaderSize: number; connectionsCheckingInterval: number } {
  // Node checks request/headers timeouts on this interval (30 s by default): make it a fraction of them.
  return { maxHeaderSize: limits.maxHeaderBytes, connectionsCheckingInterval: Math.max(250, Math.min(5000, Math.floor(limits.headersTimeoutMs / 4))) };
}

/** An HTTP or HTTPS server with the limits' options and timeouts, answering with `handler`. */
export function createNodeServer(limits: HttpLimits, https: HttpsServerOptions | undefined, handler: RequestHandler): NodeServer {
  const options = nodeServerOptions(limits);
  const server: NodeServer = https ? createHttps({ ...options, ...https }, handler) : createHttp(options, handler);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  return server;
}
