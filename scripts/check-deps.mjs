// Every runtime dependency a package declares is imported by its sources (issue 58): a dependency only its
// tests use is a devDependency, one nothing uses is not declared. `npm run lint` runs this script; it reads
// each packages/*/package.json and the import specifiers of that package's src/ (static and dynamic imports,
// re-exports, require), and fails naming each declared dependency no source imports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Declared dependencies no source names, each with why it stays (package -> dependency -> reason). Keep it
 * short: a dependency here is one the package needs at run time without an import of it in src/.
 * @type {Record<string, Record<string, string>>}
 */
export const ALLOWED = {
  '@medkit/cli': {
    '@medkit/plugin-api':
      'the bundled command (scripts/bundle-cli.mjs) keeps @medkit/plugin-api out of the bundle (SHARED_WITH_PLUGINS), one copy shared with outside plugins, so packages/cli/bundle imports it from node_modules at run time',
  },
  '@medkit/plugin-otlp': {
    '@opentelemetry/api': 'a peer dependency of the OpenTelemetry SDK and exporter packages the plugin imports; declared here so the installed version fits their range',
  },
};

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
// from 'x' (import, export … from), import 'x', import('x'), require('x'), import.meta.resolve('x').
const SPECIFIERS = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bresolve\s*\(\s*['"]([^'"]+)['"]/g];

/**
 * The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); undefined for relative, absolute and node: ones.
 * @param {string} specifier
 * @returns {string | undefined}
 */
export function packageOf(specifier) {
  if (/^(\.|\/|node:|#)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && SOURCE.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/**
 * The packages the files under `dir` import.
 * @param {string} dir
 * @returns {Set<string>}
 */
export function importedPackages(dir) {
  const found = new Set();
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const re of SPECIFIERS) {
      for (const m of text.matchAll(re)) {
        const name = packageOf(m[1]);
        if (name) found.add(name);
      }
    }
  }
  return found;
}

/**
 * The problems of the workspace at `root`: one line per declared runtime dependency (dependencies,
 * optionalDependencies) of a packages/* package that its src/ does not import and `allowed` does not excuse.
 * @param {string} root
 * @param {Record<string, Record<string, string>>} [allowed]
 * @returns {string[]}
 */
export function checkDeps(root, allowed = ALLOWED) {
  const problems = [];
  const packages = join(root, 'packages');
  for (const entry of readdirSync(packages, { withFileTypes: true })) {
    const manifest = join(packages, entry.name, 'package.json');
    if (!entry.isDirectory() || !existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    const imported = importedPackages(join(packages, entry.name, 'src'));
    const excused = allowed[pkg.name] ?? {};
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      if (imported.has(dep) || excused[dep]) continue;
      problems.push(`${relative(root, manifest)}: ${pkg.name} declares ${dep}, which no file of its src/ imports (a devDependency if only its tests use it, else remove it; or allow it in scripts/check-deps.mjs with the reason)`);
    }
    for (const dep of Object.keys(excused)) {
      if (imported.has(dep)) problems.push(`scripts/check-deps.mjs: ${pkg.name}'s src/ imports ${dep}; its allow-list entry is no longer needed`);
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkDeps(fileURLToPath(new URL('..', import.meta.url)));
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log('check-deps: every declared runtime dependency is imported by its package\'s src/');
}
