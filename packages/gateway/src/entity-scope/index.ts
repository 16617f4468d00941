export * from './collections.js';
export * from './resolve.js';
export * from './access.js';
