// The RTPS benches' `--payloads lent|given`: whether our reader lends its payloads (ReaderConfig.lendPayloads) or
// gives each sample bytes of its own (the default reader).

/** True for `lent`, false for `given`; anything else stops the bench, naming `flag`. */
export function lendsPayloads(value, flag = '--payloads') {
  if (value !== 'lent' && value !== 'given') throw new Error(`${flag} is lent or given, not '${value}'`);
  return value === 'lent';
}
