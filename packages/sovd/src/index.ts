// @medkit/sovd: the SOVD core, the lowest layer of medkit (docs/architecture.md): the API root, the error table
// and SovdError, the entity model, fault-manager input validation, the retry backoff of every reconnect loop and
// the edit distance of "did you mean" answers, the event-stream parser of the client's streams and of the
// gateway's peer streams, the bodies of the watch and topic streams, and the injected clock (Clock, systemClock, ManualClock). It imports no other package and nothing of Node.js, so the servers, the plugin contract,
// the typed client and the browser UI can all share it.
export * from './api-base.js';
export * from './errors.js';
export * from './entities.js';
export * from './fault-validation.js';
export * from './backoff.js';
export * from './text.js';
export * from './sse-parser.js';
export * from './stream-events.js';
export * from './clock.js';
