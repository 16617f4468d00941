// `@medkit/gateway/plugin`: the contract a third-party plugin types against (gateway.md §2).
export * from './contract.js';
