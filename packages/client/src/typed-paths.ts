// The typed calls' vocabulary, from the generated document types: methods, path templates, success bodies.
// Apart from client.ts so the named body types (types.ts) need not import the client.
import type { FetchResponse } from 'openapi-fetch';
import type { HttpMethod, PathsWithMethod } from 'openapi-typescript-helpers';
import type { paths } from './generated.js';

/** Methods of the typed calls. */
export type Method = Extract<HttpMethod, 'get' | 'put' | 'post' | 'delete'>;

/** Path templates of the document that have `method`. */
export type PathOf<M extends Method> = PathsWithMethod<paths, M>;

type SuccessData<O> = O extends Record<string | number, unknown> ? Exclude<FetchResponse<O, object, `${string}/${string}`>['data'], undefined> : never;
/** The success body of `method path` as the document declares it (undefined for a route that answers 204). */
export type ResponseData<P extends keyof paths, M extends Method> = [SuccessData<paths[P][M]>] extends [never] ? undefined : SuccessData<paths[P][M]>;

