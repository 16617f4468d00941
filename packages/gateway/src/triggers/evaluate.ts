// One change against one trigger's condition: the JSON Pointer (if any) picks the value, the condition
// compares it with the previous one, and the value becomes the new previous.
import { resolvePointer } from './json.js';
import type { Trigger } from './model.js';

/** `skipped`: the change lacks the pointed-to value (previous unchanged); `error`: the condition threw. */
type EvaluationOutcome = { kind: 'skipped' } | { kind: 'error'; error: Error } | { kind: 'evaluated'; fired: boolean };

export function evaluateChange(t: Trigger, value: unknown): EvaluationOutcome {
  let current = value;
  if (t.pointer) {
    const r = resolvePointer(value, t.pointer);
    if (!r.found) return { kind: 'skipped' };
    current = r.value;
  }
  let fired: boolean;
  try {
    fired = t.evaluator.evaluate(t.previous, current, t.conditionParams);
  } catch (err) {
    return { kind: 'error', error: err as Error };
  }
  // Reused holder: this runs per trigger per sample, so no allocation on the hot path.
  if (t.previous) t.previous.value = current;
  else t.previous = { value: current };
  return { kind: 'evaluated', fired };
}
