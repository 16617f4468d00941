export * from './collections.js';
export * from './resolve.js';
