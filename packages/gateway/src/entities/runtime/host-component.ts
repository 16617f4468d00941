/**
 * The single runtime host Component describing the machine the gateway runs on (docs/manifest.md step 7).
 */
import { readFile } from 'node:fs/promises';
import { arch, hostname, machine } from 'node:os';
import { MAX_ID_LENGTH } from '../ids.js';
import { newComponent, type Component } from '../model.js';

export interface HostInfo {
  /** Raw hostname; undefined when unavailable. */
  hostname?: string;
  /** `PRETTY_NAME` of /etc/os-release. */
  os?: string;
  /** `uname` machine (x86_64, aarch64). */
  arch?: string;
}

/** `.` and space → `_`, other characters outside `[A-Za-z0-9_-]` dropped, lower-cased, ≤256, `unknown_host` if empty. */
export function sanitizeHostId(name: string | undefined): string {
  const id = (name ?? '')
    .replace(/[. ]/g, '_')
    .replace(/[^A-Za-z0-9_-]/g, '')
    .toLowerCase()
    .slice(0, MAX_ID_LENGTH);
  return id || 'unknown_host';
}

/** `PRETTY_NAME` from os-release text (quotes removed), if present. */
export function parseOsRelease(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = line.match(/^\s*PRETTY_NAME\s*=\s*(.*)$/);
    if (!m) continue;
    let v = m[1].trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    return v || undefined;
  }
  return undefined;
}

/** Reads hostname, OS and architecture of this machine; missing pieces stay undefined. */
export async function readHostInfo(osReleasePath = '/etc/os-release'): Promise<HostInfo> {
  const info: HostInfo = {};
  try {
    info.hostname = hostname() || undefined;
  } catch {
    // hostname unavailable: fall back below
  }
  try {
    info.os = parseOsRelease(await readFile(osReleasePath, 'utf8'));
  } catch {
    // no os-release (macOS, containers without it)
  }
  try {
    info.arch = machine() || arch();
  } catch {
    info.arch = arch();
  }
  return info;
}

/** Builds the host Component from `info`. */
export function hostComponent(info: HostInfo): Component {
  const os = info.os || 'Unknown OS';
  const a = info.arch || 'unknown';
  const name = info.hostname || 'unknown';
  return newComponent(sanitizeHostId(info.hostname), 'runtime', {
    name,
    description: `${os} on ${a}`,
    host_metadata: { hostname: name, os, arch: a },
  });
}
