// The scripts feature: the routes and the wiring of @medkit/scripts to the gateway's entities, locks and plugins.
export { createScriptsFeature, SCRIPTS_SERVICE, type ScriptsFeatureOptions } from './feature.js';
