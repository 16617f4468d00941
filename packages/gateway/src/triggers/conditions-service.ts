// The service token of the trigger-condition registry, on its own so that plugins (which register `x-`
// conditions) can reach it without importing the triggers feature; and the token under which another feature
// contributes the conditions registered before the triggers feature started.
import { token, type Token } from '@medkit/server';
import type { Contributed } from '../entities/provider-chain.js';
import type { ConditionEvaluator, ConditionRegistry } from './conditions.js';

export const TRIGGER_CONDITIONS_SERVICE: Token<ConditionRegistry> = token('trigger-conditions');

/** A named condition evaluator. */
export interface NamedCondition {
  name: string;
  evaluator: ConditionEvaluator;
}

/**
 * Conditions other features registered before the triggers feature started (the plugins feature: plugins'
 * `x-` evaluators, docs/plugins.md); the triggers feature registers them at its init.
 */
export const CONTRIBUTED_CONDITIONS: Token<Contributed<NamedCondition>> = token('contributed-conditions');
