// The services features publish for each other, keyed by typed tokens (see token.ts).
import type { AnyToken, Token } from './token.js';

/** Thrown by {@link ServiceRegistry.get} when a needed service was not published. */
export class MissingServiceError extends Error {
  readonly code: string = 'service-missing';
  constructor(readonly token: AnyToken, reason: string) {
    super(`gateway service '${token.name}' ${reason}`);
    this.name = 'MissingServiceError';
  }
}

export class ServiceRegistry {
  private readonly values = new Map<AnyToken, unknown>();

  /** Publishes a service; a token can be published once. */
  provide<T>(t: Token<T>, value: T): void {
    if (this.values.has(t)) throw new Error(`gateway service '${t.name}' is already provided`);
    this.values.set(t, value);
  }

  /** The service, which must have been published (a feature's `needs`). */
  get<T>(t: Token<T>): T {
    if (!this.values.has(t)) throw new MissingServiceError(t, 'is not available (its feature is not enabled or has not initialised)');
    return this.values.get(t) as T;
  }

  /** The service, or undefined when its feature is absent or chose not to publish it (a feature's `uses`). */
  find<T>(t: Token<T>): T | undefined {
    return this.values.get(t) as T | undefined;
  }

  has(t: AnyToken): boolean {
    return this.values.has(t);
  }
}
