// The service token of the trigger-condition registry, on its own so that plugins (which register `x-`
// conditions) can reach it without importing the triggers feature, which itself depends on the plugin host.
import { token, type Token } from '@medkit/server';
import type { ConditionRegistry } from './conditions.js';

export const TRIGGER_CONDITIONS_SERVICE: Token<ConditionRegistry> = token('trigger-conditions');
