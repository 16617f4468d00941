// Execution parameters are checked against the script's `parameters_schema` (JSON Schema, via ajv)
// before anything is spawned, so a bad request never reaches the script.
import { Ajv, type ValidateFunction } from 'ajv';
import { SovdError } from '@medkit/sovd';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles (and caches) a schema; an invalid schema is a 400 for whoever supplied it. */
export function compileParametersSchema(schema: Record<string, unknown>): ValidateFunction {
  const hit = compiled.get(schema);
  if (hit) return hit;
  let fn: ValidateFunction;
  try {
    fn = ajv.compile(schema);
    // ajv caches by schema object; our WeakMap is the cache, so ajv's copy would only leak.
    ajv.removeSchema(schema);
  } catch (err) {
    throw new SovdError('invalid-parameter', 'parameters_schema is not a valid JSON Schema', { parameter: 'parameters_schema', details: (err as Error).message });
  }
  compiled.set(schema, fn);
  return fn;
}

/** Throws 400 invalid-parameter listing every violation. */
export function validateParameters(schema: Record<string, unknown> | undefined, parameters: Record<string, unknown>): void {
  if (!schema) return;
  const validate = compileParametersSchema(schema);
  if (validate(parameters)) return;
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  throw new SovdError('invalid-parameter', 'Parameters do not match the script parameters_schema', { parameter: 'parameters', details: errors.join('; '), errors });
}
