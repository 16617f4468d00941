import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Gateway files allowed to import Fastify and src/http/ (the HTTP layer and route files). */
const GATEWAY_HTTP_FILES = [
  'packages/gateway/src/http/**',
  'packages/gateway/src/**/http/**',
  'packages/gateway/src/**/routes.ts',
  'packages/gateway/src/**/*-routes.ts',
  'packages/gateway/src/**/*-route.ts',
  'packages/gateway/src/**/schemas.ts',
  'packages/gateway/src/gateway.ts',
  'packages/gateway/src/feature.ts',
  // The public entry: re-exports the HTTP pieces packages above the core register routes with (@medkit/fleet).
  'packages/gateway/src/index.ts',
];

/** Server core files allowed to import Fastify and src/http/: the HTTP layer, route files, the feature contract and composition. */
const SERVER_HTTP_FILES = [
  'packages/server/src/http/**',
  'packages/server/src/**/routes.ts',
  'packages/server/src/feature.ts',
  'packages/server/src/create-server.ts',
  'packages/server/src/index.ts',
];

const FASTIFY_IMPORT = { regex: '^(fastify|@fastify/.*)$', message: 'Only src/http/ and route files may import Fastify (gateway layering).' };
const httpImport = (regex) => ({ regex, message: 'Only src/http/ and route files may import the HTTP layer; use src/sovd/ for errors, paths and event streams.' });
/** Relative imports of any http/ folder (src/http/ or a feature's own), closed to domain code. */
const DOMAIN_HTTP = '^\\.{1,2}/(\\.\\./)*([\\w.-]+/)*http/';
const layering = (files, httpRegex) => ({
  files,
  ignores: GATEWAY_HTTP_FILES,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [FASTIFY_IMPORT, httpImport(httpRegex)] }] },
});

/** The robot gateway at all: the fleet tier builds on @medkit/server and declares the gateway services it reads. */
const GATEWAY_ANY = { regex: '^(@medkit/gateway(/.*)?|(\\.\\./)+gateway/.*)$', message: 'The fleet tier imports @medkit/server and @medkit/kit, not the robot gateway (fleet-link declares the services it reads in robot-services.ts).' };
const restrictImports = (files, patterns) => ({ files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['**/dist/**', 'dist-packages/**', 'packages/cli/bundle/**', 'packages/cli/bundle.*/**', '**/node_modules/**', '**/build/**', '.test-artifacts/**', 'packages/web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // CommonJS configuration files of tools (dependency-cruiser's).
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  // Gateway layering (design: "the HTTP layer only translates"): only the HTTP layer (src/http/), the
  // route files (routes.ts, *-routes.ts, *-route.ts, schemas.ts, any <feature>/http/ folder) and the
  // composition root (gateway.ts, feature.ts) may import Fastify or src/http/. Domain code throws
  // SovdError from src/sovd/ and pushes events through @medkit/kit's EventStream instead.
  // Domain code: no http/ folder at all, neither src/http/ nor a feature's own (faults/http/, fleet/http/ ...).
  layering(['packages/gateway/src/**/*.ts'], DOMAIN_HTTP),
  // A feature's wiring (<feature>/feature.ts) registers the routes of its own http/ folder, nothing above it.
  layering(['packages/gateway/src/*/feature.ts'], '^(\\.\\./)+([\\w.-]+/)*http/'),
  // The feature list (features.ts) names features that live in their http/ folder; src/http/ stays closed.
  layering(['packages/gateway/src/features.ts'], '^\\./http/'),
  // The same split inside the server core: auth, config, registry and transport code import no Fastify or http/.
  { files: ['packages/server/src/**/*.ts'], ignores: SERVER_HTTP_FILES, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [FASTIFY_IMPORT, httpImport(DOMAIN_HTTP)] }] } },
  // The fleet tier's packages (issue 28): the wire contract imports no medkit package; the robot link and the
  // fleet server build on the server core (@medkit/server), never on the robot gateway, and the robot link not on the server.
  restrictImports(['packages/fleet-protocol/src/**/*.ts'], [{ regex: '^@medkit/', message: '@medkit/fleet-protocol is the wire contract: it imports no medkit package.' }]),
  restrictImports(['packages/fleet-link/src/**/*.ts', 'packages/fleet/src/**/*.ts'], [GATEWAY_ANY]),
  restrictImports(['packages/fleet-link/src/**/*.ts'], [GATEWAY_ANY, { regex: '^@medkit/fleet(/.*)?$', message: 'The robot side does not import the fleet server.' }]),
  // The faults domain does not know aggregation: peers reach it through seams it defines (gateway/peer-lookup.ts)
  // and its wiring (faults/feature.ts) connects. Repeats the domain patterns: a later config replaces the rule.
  {
    files: ['packages/faults/src/**/*.ts', 'packages/gateway/src/faults/**/*.ts'],
    ignores: [...GATEWAY_HTTP_FILES, 'packages/gateway/src/faults/feature.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            FASTIFY_IMPORT,
            httpImport(DOMAIN_HTTP),
            { regex: '^(\\.\\./)+aggregation/', message: 'The faults domain does not import aggregation; define a seam in faults/ and wire it in faults/feature.ts.' },
          ],
        },
      ],
    },
  },
  // No source file over 500 lines, blank lines and comments included: a file that grows past it holds more than
  // one job and is split by concept. Sources only (tests are long tables of cases); the generated client is exempt.
  {
    files: ['packages/*/src/**/*.{ts,tsx,js,mjs}'],
    ignores: ['packages/client/src/generated.ts'],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }] },
  },
);
