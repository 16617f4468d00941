// A server that answers its first requests before every route is registered (issue 69, docs/deploy.md
// "Start-up: /health first"). Registering a gateway's few hundred routes cost about a third of its start-up
// CPU, so the server listens with a small app holding only the early routes (/health, the features' early routes such
// as the gateway's entity lists) behind the same request pipeline,
// and builds the app with every route on first use: when the first early answer has gone out and the features'
// start-up work (buildAfter) is done, when a request for any other route comes, or (buildWhenIdle) a moment after
// listening whatever else happened. Both apps answer on
// one Node.js server (Fastify's serverFactory). Until the full app is ready a request for another route waits
// for it (all such requests share one build); once it is ready every request, early routes included, goes to it. When building it fails, such requests get
// a SOVD `internal-error` (the early routes still answer) and `failure` says why.
import type { ServerResponse } from 'node:http';
import { errorBody } from '@medkit/sovd';
import type { HttpServer } from './server.js';
import type { NodeServer, RequestHandler } from './node-server.js';

/** Builds one app on the given server factory (passed on as Fastify's serverFactory). */
export type AppBuilder = (serverFactory: (handler: RequestHandler) => NodeServer) => Promise<HttpServer>;

export interface DeferredAppOptions {
  /** The small app with the early routes; built now. */
  buildEarly: AppBuilder;
  /** The app with every route; built on first use. */
  buildFull: AppBuilder;
  /** Paths (no query, no trailing slash) the early app answers for GET and HEAD. */
  earlyPaths: readonly string[];
  /** Makes a Node.js server answering with the given handler (every server the early app listens on). */
  createNodeServer(handler: RequestHandler): NodeServer;
  /** Told once when the full app could not be built. */
  onFailure(err: Error): void;
}

export interface DeferredApp {
  /** The early app: the one that listens. */
  early: HttpServer;
  /** The app with every route; starts building it on the first call (later calls share that build). */
  full(): Promise<HttpServer>;
  /** The full app's build when started (to close it), else undefined. */
  started(): Promise<HttpServer> | undefined;
  /** Why the full app could not be built, once that is known. */
  failure(): Error | undefined;
  /**
   * Builds the full app `delayMs` from now if nothing has started it by then, so a gateway nobody asked yet
   * (no health check configured) does not make its first user wait for the build.
   */
  buildWhenIdle(delayMs: number): void;
  /** An early answer starts the build only once `work` settled (the features' start-up work); until then, never. */
  buildAfter(work: Promise<unknown>): void;
  /**
   * Shutting down: no build starts any more (a request that would wait for one goes to the early app, which
   * refuses it as shutting down). Resolves with the full app when it was built, to close it.
   */
  beginShutdown(): Promise<HttpServer | undefined>;
}

/** `/api/v1//health/?x` → `/api/v1/health`: the path as the router matches it (duplicate and trailing slashes ignored). */
export function routedPath(url: string): string {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(/\/{2,}/g, '/');
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function answerFailure(res: ServerResponse): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(errorBody('internal-error', 'The gateway could not build its API routes; its log says why'));
  res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
}

export async function createDeferredApp(opts: DeferredAppOptions): Promise<DeferredApp> {
  const early = new Set(opts.earlyPaths);
  let earlyHandler: RequestHandler | undefined;
  let fullHandler: RequestHandler | undefined;
  /** The full app's handler once it is ready (Fastify hands it over when the app is made, before its routes). */
  let ready: RequestHandler | undefined;
  let primary: NodeServer | undefined;
  let building: Promise<HttpServer> | undefined;
  let failure: Error | undefined;
  let closing = false;

  const full = (): Promise<HttpServer> =>
    (building ??= opts
      .buildFull((handler) => {
        fullHandler = handler;
        // Registered routes answer on the early app's server(s): dispatch() hands them over.
        if (!primary) throw new Error('the full app is built after the early one');
        return primary;
      })
      .then((app) => {
        ready = fullHandler;
        return app;
      })
      .catch((err: unknown) => {
        failure = err instanceof Error ? err : new Error(String(err));
        opts.onFailure(failure);
        throw failure;
      }));

  const startBuild = (): void => {
    if (!closing) void full().catch(() => undefined);
  };
  // The start-up work an early answer's build waits for; listen() hands it over once the features started.
  let workHandedOver: () => void = () => undefined;
  const workDone = new Promise<void>((resolve) => (workHandedOver = resolve));
  let answered = false;
  const afterFirstAnswer = (): void => {
    if (answered) return;
    answered = true;
    void workDone.then(startBuild);
  };

  const dispatch: RequestHandler = (req, res) => {
    if (ready) return ready(req, res);
    if ((req.method === 'GET' || req.method === 'HEAD') && early.has(routedPath(req.url ?? '/'))) {
      // The full app is built once this answer is out (and the start-up work done), not before: the first answer
      // costs only the early app.
      res.once('finish', afterFirstAnswer);
      return earlyHandler!(req, res);
    }
    if (failure) return answerFailure(res);
    if (closing && !building) return earlyHandler!(req, res);
    full().then(
      () => ready!(req, res),
      () => answerFailure(res),
    );
  };

  const earlyApp = await opts.buildEarly((handler) => {
    earlyHandler = handler;
    const server = opts.createNodeServer(dispatch);
    primary ??= server;
    return server;
  });
  return {
    early: earlyApp,
    full,
    started: () => building,
    failure: () => failure,
    buildWhenIdle(delayMs) {
      setTimeout(startBuild, delayMs).unref();
    },
    buildAfter(work) {
      void work.then(workHandedOver, workHandedOver);
    },
    beginShutdown() {
      closing = true;
      return building?.catch(() => undefined) ?? Promise.resolve(undefined);
    },
  };
}
