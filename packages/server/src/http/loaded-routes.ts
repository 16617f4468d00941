// Route modules whose code is loaded when the app with every route is built, not at start.
import type { RouteModule } from './server.js';

/**
 * A route module from a module loaded by `load` (an `import()` of the feature's routes file) when the routes are
 * registered. A deferred server (http/deferred-app.ts) answers /health before that, so the bundle puts the route
 * code, and whatever only it uses, in chunks of their own that start-up never reads (docs/benchmarks.md, "Start-up
 * (issue 69)"). `routes` builds the module from what was loaded, as the feature would have at once.
 */
export function loadedRoutes<M>(load: () => Promise<M>, routes: (loaded: M) => RouteModule): RouteModule {
  return async (app) => {
    await routes(await load())(app);
  };
}
