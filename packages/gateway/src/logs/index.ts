export { createLogsFeature, LOG_KEYS, LOGS_SERVICE } from './feature.js';
export { LogManager, loggerToFqn, DEFAULT_LOG_CONFIG, type LogProvider, type LogConfig, type RosoutInput } from './manager.js';
export { LogsService, parseSince, MAX_CONTEXT } from './service.js';
export { LogRingBuffer, type LogSources, type LogFilter } from './ring-buffer.js';
export { entryBody, rosoutBody, isoNs, severityOf, levelOf, isSeverity, SEVERITIES, type Severity, type StoredLog, type LogEntryBody, type RosoutBody } from './model.js';
