// The runtime and native parts a gateway runs on, in /health (native-parts.ts): every gateway has them, so a silent
// JavaScript fallback shows where monitors look.
import type { GatewayFeature } from '../feature.js';
import { nativePartsHealth } from './native-parts.js';

export function createRuntimeInfoFeature(): GatewayFeature {
  return {
    name: 'runtime-info',
    init(ctx) {
      ctx.health.add(() => nativePartsHealth());
    },
  };
}
