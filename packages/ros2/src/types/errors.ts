/** Errors of the type layer. Each carries the type name it is about, so callers can report it. */

/** No definition is known for a type (or for one it depends on). */
export class UnknownTypeError extends Error {
  readonly code: string = 'ros-unknown-type';
  override readonly name = 'UnknownTypeError';
  constructor(
    readonly typeName: string,
    readonly reason: string,
  ) {
    super(`unknown ROS type ${typeName}: ${reason}`);
  }
}

/** A definition was found but could not be parsed or resolved. */
export class TypeDefinitionError extends Error {
  readonly code: string = 'ros-type-definition';
  override readonly name = 'TypeDefinitionError';
  constructor(
    readonly typeName: string,
    readonly origin: string,
    detail: string,
  ) {
    super(`bad definition of ${typeName} (${origin}): ${detail}`);
  }
}

/** One problem with a JSON value, located by a JSON pointer (`/linear/x`, `''` for the root). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** A value does not fit the type it is to be serialized as. */
export class ValidationError extends Error {
  readonly code: string = 'ros-validation';
  override readonly name = 'ValidationError';
  constructor(
    readonly typeName: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid ${typeName}: ${issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`);
  }
}

/** The payload uses an encapsulation this decoder does not read (XCDR2, parameter lists, unknown ids). */
export class UnsupportedEncodingError extends Error {
  readonly code: string = 'cdr-unsupported-encoding';
  override readonly name = 'UnsupportedEncodingError';
  constructor(
    readonly typeName: string,
    /** The 16-bit representation identifier from the payload header. */
    readonly encapsulation: number,
    detail: string,
  ) {
    super(`cannot decode ${typeName}: ${detail}`);
  }
}

/** The payload is truncated or does not match the type's layout. */
export class CdrDecodeError extends Error {
  readonly code: string = 'cdr-decode';
  override readonly name = 'CdrDecodeError';
  constructor(
    readonly typeName: string,
    detail: string,
  ) {
    super(`cannot decode ${typeName}: ${detail}`);
  }
}

/** A well-formed payload that would decode into more values than allowed (DecodeOptions.maxValues). */
export class DecodeBudgetError extends CdrDecodeError {
  override readonly code: string = 'cdr-decode-budget';
}
