// How an OPC-UA failure of a provider call reaches the client: 503 while not connected, 504 when the server
// does not answer in time, 502 for what the server refused.
import { PluginError, PluginTimeoutError } from '@medkit/plugin-api';
import { NotConnectedError } from './connection.js';

export /** An OPC-UA failure of a provider call as the SOVD error the client gets. */
function remoteFailure(err: unknown, what: string): PluginError {
  if (err instanceof PluginError) return err;
  if (err instanceof NotConnectedError) return new PluginError('service-unavailable', `${what}: not connected to the OPC-UA server`, 503);
  if (err instanceof PluginTimeoutError) return new PluginError('x-medkit-opcua-timeout', `${what}: the OPC-UA server did not answer in time`, 504);
  return new PluginError('x-medkit-opcua-error', `${what}: ${(err as Error)?.message ?? String(err)}`, 502);
}
