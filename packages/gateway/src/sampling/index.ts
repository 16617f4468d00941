export * from './registry.js';
export * from './resource-uri.js';
