// The NATS client's error classes, for telling its failures apart by class (one copy of the library in the
// process). Loaded with the client, when the fleet link connects: a gateway with the link off loads no NATS.
import type { errors as CoreErrors } from '@nats-io/transport-node';
import type { jserrors as JsErrors } from '@nats-io/jetstream/internal';

export interface NatsErrorClasses {
  timeout: typeof CoreErrors.TimeoutError;
  noResponders: typeof CoreErrors.NoRespondersError;
  request: typeof CoreErrors.RequestError;
  permission: typeof CoreErrors.PermissionViolationError;
  jetStreamNotEnabled: typeof JsErrors.JetStreamNotEnabled;
}

export async function loadNatsErrors(): Promise<NatsErrorClasses> {
  const [{ errors }, { jserrors }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream/internal')]);
  return {
    timeout: errors.TimeoutError,
    noResponders: errors.NoRespondersError,
    request: errors.RequestError,
    permission: errors.PermissionViolationError,
    jetStreamNotEnabled: jserrors.JetStreamNotEnabled,
  };
}
