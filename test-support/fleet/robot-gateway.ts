// A robot gateway as `medkit gateway` composes it (the core's features, the fleet link and the VDA 5050
// bridge, from @medkit/cli), its faults feature taking test options: the gateway tests' startFaultGateway
// over that composition. The fleet server's tests start their robots with it too.
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { startFaultGateway, type FaultGateway } from '../gateway/faults-gateway.js';

export { until, type FaultGateway } from '../gateway/faults-gateway.js';

export function startRobotGateway(opts: Omit<NonNullable<Parameters<typeof startFaultGateway>[0]>, 'compose'> = {}): Promise<FaultGateway> {
  return startFaultGateway({ ...opts, compose: { defaultFeatures, keys: FEATURE_KEYS } });
}
