import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractZip, readZip, zipEntryMap, ZipFormatError } from '../../../sim/runtime/zip.js';
import { buildZip, tempDir } from './support.js';

const text = 'export const handler = async () => "ok";\n'.repeat(200);

describe('readZip', () => {
  it('lists stored and deflated entries from the central directory and inflates them', () => {
    const zip = buildZip([
      { name: 'functions/' },
      { name: 'functions/a.mjs', data: text },
      { name: 'functions/a.mjs.map', data: '{"version":3}', store: true },
      { name: 'README', data: '' },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => [e.name, e.isDirectory, e.method])).toEqual([
      ['functions/', true, 0],
      ['functions/a.mjs', false, 8],
      ['functions/a.mjs.map', false, 0],
      ['README', false, 8],
    ]);
    const byName = zipEntryMap(zip);
    expect(byName.get('functions/a.mjs')!.data().toString()).toBe(text);
    expect(byName.get('functions/a.mjs')!.compressedSize).toBeLessThan(text.length);
    expect(byName.get('functions/a.mjs.map')!.data().toString()).toBe('{"version":3}');
    expect(byName.get('README')!.data()).toHaveLength(0);
  });

  it('takes sizes from the central directory when the local header defers them to a data descriptor', () => {
    const zip = buildZip([{ name: 'x.txt', data: text, descriptor: true }, { name: 'y.txt', data: 'why', descriptor: true }]);
    expect(readZip(zip).map((e) => e.data().toString())).toEqual([text, 'why']);
  });

  it('finds the end record behind an archive comment', () => {
    const zip = buildZip([{ name: 'x.txt', data: 'x' }]);
    const comment = Buffer.from('built by a test');
    zip.writeUInt16LE(comment.length, zip.length - 2);
    expect(readZip(Buffer.concat([zip, comment]))[0]!.data().toString()).toBe('x');
  });

  it('rejects what it cannot read faithfully', () => {
    expect(() => readZip(Buffer.from('not a zip at all, just some text bytes'))).toThrow(ZipFormatError);
    expect(() => readZip(Buffer.alloc(5))).toThrow(/not a zip archive/);
    const bad = buildZip([{ name: 'x.txt', data: 'hello', badCrc: true }]);
    expect(() => readZip(bad)[0]!.data()).toThrow(/CRC-32 mismatch/);
    const bzip = buildZip([{ name: 'x.txt', data: 'hello', store: true }]);
    // Compression method 12 (bzip2) in the central directory.
    bzip.writeUInt16LE(12, bzip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    expect(() => readZip(bzip)).toThrow(/compression method 12/);
  });
});

describe('extractZip', () => {
  it('writes every file under the directory, creating folders', () => {
    const dir = tempDir('zip');
    const path = join(dir, 'fn.zip');
    writeFileSync(path, buildZip([{ name: 'functions/' }, { name: 'functions/a.mjs', data: text }, { name: 'lib/deep/b.json', data: '{}' }]));
    const written = extractZip(path, join(dir, 'out'));
    expect(written).toEqual([join(dir, 'out/functions/a.mjs'), join(dir, 'out/lib/deep/b.json')]);
    expect(readFileSync(join(dir, 'out/functions/a.mjs'), 'utf8')).toBe(text);
  });

  it('refuses entries that would escape the directory, before writing anything', () => {
    const dir = tempDir('zip-slip');
    for (const name of ['../evil.txt', 'a/../../evil.txt', '/etc/evil.txt']) {
      const path = join(dir, 'slip.zip');
      writeFileSync(path, buildZip([{ name: 'ok.txt', data: 'ok' }, { name, data: 'evil' }]));
      expect(() => extractZip(path, join(dir, 'out'))).toThrow(/refusing to extract/);
      expect(existsSync(join(dir, 'out/ok.txt'))).toBe(false);
    }
    expect(existsSync(join(dir, 'evil.txt'))).toBe(false);
  });
});
