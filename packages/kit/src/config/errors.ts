// The error a configuration that cannot be honoured raises: start-up stops with its message.

/**
 * Thrown when a source cannot be read at all (missing file, YAML syntax error) or a value cannot be honoured;
 * the command prints the message and exits without starting.
 */
export class ConfigError extends Error {
  readonly code: string = 'config-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
