// The progress protocol and output capture, fed the way pipes deliver data (arbitrary chunks).
import { describe, expect, it } from 'vitest';
import { CappedBuffer, ProgressFilter, parseProgressLine } from '@medkit/scripts';
import { buildArgv, parameterPassing } from '@medkit/scripts';
import { parseResult } from '@medkit/scripts';
import { detectFormat } from '@medkit/scripts';

function run(chunks: string[]): { out: string; progress: [number, string | null][] } {
  let out = '';
  const progress: [number, string | null][] = [];
  const f = new ProgressFilter(
    (c) => (out += c.toString()),
    (p, m) => progress.push([p, m]),
  );
  for (const c of chunks) f.push(Buffer.from(c));
  f.end();
  return { out, progress };
}

describe('progress protocol', () => {
  it('parses well-formed lines and refuses the rest', () => {
    expect(parseProgressLine('MEDKIT_PROGRESS 42')).toEqual({ progress: 42, message: null });
    expect(parseProgressLine('MEDKIT_PROGRESS 42.6 copying files\r')).toEqual({ progress: 43, message: 'copying files' });
    expect(parseProgressLine('MEDKIT_PROGRESS 101')).toBeUndefined();
    expect(parseProgressLine('MEDKIT_PROGRESS -1')).toBeUndefined();
    expect(parseProgressLine('MEDKIT_PROGRESSION 5')).toBeUndefined();
    expect(parseProgressLine(' MEDKIT_PROGRESS 5')).toBeUndefined();
  });

  it('strips progress lines split across chunks and keeps everything else byte for byte', () => {
    const { out, progress } = run(['hello\nMEDKIT_PRO', 'GRESS 10 st', 'arting\nworld\nMEDKIT_PROGRESS 20\n', 'MEDKIT_PROGRESS x\ntail']);
    expect(progress).toEqual([
      [10, 'starting'],
      [20, null],
    ]);
    expect(out).toBe('hello\nworld\nMEDKIT_PROGRESS x\ntail');
  });

  it('does not hold back long lines that cannot be progress lines', () => {
    let out = '';
    const f = new ProgressFilter(
      (c) => (out += c.toString()),
      () => undefined,
    );
    f.push(Buffer.from('x'.repeat(5000)));
    expect(out.length).toBe(5000); // passed through before any newline arrived
    f.push(Buffer.from('MEDKIT_PROGRESS 5\n'));
    expect(out.length).toBe(5000 + 'MEDKIT_PROGRESS 5\n'.length); // same line: not a progress line
  });

  it('caps captured output and says so', () => {
    const b = new CappedBuffer(10);
    b.push(Buffer.from('12345678'));
    b.push(Buffer.from('abcdef'));
    expect(b.text()).toBe('12345678ab');
    expect(b.truncated).toBe(true);
  });
});

describe('parameter passing and results', () => {
  it('maps parameters to positional, named and flag arguments', () => {
    const argv = buildArgv(
      [
        { name: 'path', type: 'positional' },
        { name: 'depth', type: 'named', flag: '-d' },
        { name: 'verbose', type: 'flag' },
        { name: 'quiet', type: 'flag' },
        { name: 'filter', type: 'named' },
        { name: 'missing', type: 'positional' },
      ],
      { path: '/var', depth: 3, verbose: true, quiet: false, filter: { a: 1 } },
    );
    expect(argv).toEqual(['/var', '-d', '3', '--verbose', '--filter', '{"a":1}']);
  });

  it('sends parameters as JSON on stdin without args, and refuses more than 64 KiB', () => {
    expect(parameterPassing([], { a: 1 }).stdin?.toString()).toBe('{"a":1}');
    expect(() => parameterPassing([], { big: 'x'.repeat(70000) })).toThrow(/larger than 65536/);
    // On the command line a NUL byte cannot pass (spawn refuses it): the caller's 400; on stdin JSON escapes it.
    expect(() => parameterPassing([{ name: 'a', type: 'positional' }], { a: 'x\u0000y' })).toThrow(expect.objectContaining({ code: 'invalid-request' }));
    expect(parameterPassing([], { a: 'x\u0000y' }).stdin?.toString()).toBe('{"a":"x\\u0000y"}');
  });

  it('parses JSON objects from stdout, otherwise wraps the text', () => {
    expect(parseResult('{"ok": true}\n')).toEqual({ ok: true });
    expect(parseResult('[1,2]')).toEqual({ stdout: '[1,2]' });
    expect(parseResult('{broken')).toEqual({ stdout: '{broken' });
  });

  it('picks the interpreter from the extension, then the shebang', () => {
    expect(detectFormat('a.py', Buffer.from(''))).toBe('python');
    expect(detectFormat('a.bash', Buffer.from(''))).toBe('bash');
    expect(detectFormat('check', Buffer.from('#!/usr/bin/env python3\n'))).toBe('python');
    expect(detectFormat('check', Buffer.from('#!/bin/bash\n'))).toBe('bash');
    expect(detectFormat('check.txt', Buffer.from('echo'))).toBe('sh');
  });
});
