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


/** The entity collections of the document: an entity's routes are `/{collection}/{id}…`. */
export type EntityCollection = 'apps' | 'components' | 'areas' | 'functions';

/** The path parameter naming the entity in each collection's templates. */
export const ENTITY_ID_PARAM = { apps: 'app_id', components: 'component_id', areas: 'area_id', functions: 'function_id' } as const;

type EntityBase<C extends EntityCollection> = `/${C}/{${(typeof ENTITY_ID_PARAM)[C]}}`;
type ResourcesOn<C extends EntityCollection> = PathOf<'get'> extends infer P ? (P extends `${EntityBase<C>}${infer S}` ? S : never) : never;
// The resources every collection in C has (an intersection of the collections' resource unions).
type OnEvery<C extends EntityCollection> = (C extends EntityCollection ? (x: ResourcesOn<C>) => void : never) extends (x: infer I) => void ? I : never;

/** The resources with a GET on every collection in C: the path after the entity (`''`, `/data`, `/faults/{fault_code}`…). */
export type EntityResource<C extends EntityCollection> = OnEvery<C> & string;

/** The document's path templates of `resource` on the collections in C. */
export type EntityPath<C extends EntityCollection, S extends string> = Extract<PathOf<'get'>, `${EntityBase<C>}${S}`>;

/** The path parameters a resource template names besides the entity (`{fault_code}` of `/faults/{fault_code}`). */
export type ResourceParams<S extends string> = S extends `${string}{${infer N}}${infer R}` ? N | ResourceParams<R> : never;

type QueryOf<P> = P extends keyof paths ? (paths[P]['get'] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never) : never;

/** The query of `resource`'s GET on the collections in C, as the document declares it. */
export type EntityQuery<C extends EntityCollection, S extends string> = QueryOf<EntityPath<C, S>>;

/** The success body of `resource`'s GET on the collections in C (a union when they differ). */
export type EntityResponse<C extends EntityCollection, S extends string> = EntityPath<C, S> extends infer P ? (P extends keyof paths ? ResponseData<P, 'get'> : never) : never;
