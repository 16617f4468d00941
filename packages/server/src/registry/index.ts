export { token, type Token, type AnyToken } from './token.js';
export { ServiceRegistry, MissingServiceError } from './services.js';
export { orderFeatures, FeatureGraphError, type FeatureDeclaration } from './order.js';
