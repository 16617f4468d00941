// Typed service tokens: a feature publishes a service under a token and another reads it back with
// the token's type, so the cross-feature wiring is checked by the compiler instead of cast from a string.

/** A typed key for one gateway service. Compare by identity; `name` is for messages only. */
export interface Token<T> {
  readonly name: string;
  /** Phantom field carrying the service type; never set. */
  readonly __type?: T;
}

/** A new token; create each once, next to the service it names. */
export function token<T>(name: string): Token<T> {
  return Object.freeze({ name });
}

/** Any token, for dependency lists. */
export type AnyToken = Token<unknown>;
