// The SOVD API root, defined once by the API's client (`@medkit/client/api-base`).
export { API_BASE } from '@medkit/client/api-base';
