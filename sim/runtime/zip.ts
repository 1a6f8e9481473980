/**
 * A small zip reader for the package archives osls writes (`<function>.zip`): it reads the central directory, inflates
 * entries with node:zlib (`stored` and `deflate` only), checks each entry's CRC-32 and refuses paths that would
 * escape the extraction directory. No Zip64, no encryption, no multi-disk archives: a package never uses them, and
 * an archive that does is rejected with a clear error rather than misread.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated; directories end with `/`. */
  readonly name: string;
  readonly isDirectory: boolean;
  /** 0 (stored) or 8 (deflate). */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** The entry's bytes, decompressed and CRC-checked. */
  data(): Buffer;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const ZIP64_LIMIT = 0xffffffff;

function findEndOfCentralDirectory(zip: Buffer, label: string): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, so it starts within the last 65557 bytes.
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let offset = zip.length - 22; offset >= lowest; offset--) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY && offset + 22 + zip.readUInt16LE(offset + 20) <= zip.length) return offset;
  }
  throw new ZipFormatError(`${label}: not a zip archive (no end-of-central-directory record)`);
}

/** Reads the entries of a zip archive (a path or its bytes). Entry data is decompressed lazily by `data()`. */
export function readZip(source: string | Buffer): ZipEntry[] {
  const label = typeof source === 'string' ? source : 'zip buffer';
  const zip = typeof source === 'string' ? readFileSync(source) : source;
  if (zip.length < 22) throw new ZipFormatError(`${label}: not a zip archive (${zip.length} bytes)`);
  const end = findEndOfCentralDirectory(zip, label);
  if (zip.readUInt16LE(end + 4) !== 0 || zip.readUInt16LE(end + 6) !== 0) throw new ZipFormatError(`${label}: multi-disk archives are not supported`);
  const count = zip.readUInt16LE(end + 10);
  const directorySize = zip.readUInt32LE(end + 12);
  let offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || offset === ZIP64_LIMIT || directorySize === ZIP64_LIMIT) throw new ZipFormatError(`${label}: Zip64 archives are not supported`);

  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) {
      throw new ZipFormatError(`${label}: corrupt central directory at entry ${i} (offset ${offset})`);
    }
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;

    if (flags & 0x1) throw new ZipFormatError(`${label}: ${name} is encrypted`);
    if (compressedSize === ZIP64_LIMIT || size === ZIP64_LIMIT || localOffset === ZIP64_LIMIT) throw new ZipFormatError(`${label}: ${name} needs Zip64, which is not supported`);
    if (method !== 0 && method !== 8) throw new ZipFormatError(`${label}: ${name} uses compression method ${method} (only stored and deflate are supported)`);

    entries.push({
      name,
      isDirectory: name.endsWith('/'),
      method,
      compressedSize,
      size,
      crc32: crc,
      data: () => {
        if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) throw new ZipFormatError(`${label}: ${name}: bad local header`);
        // Sizes come from the central directory: the local header may defer them to a data descriptor.
        const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
        if (start + compressedSize > zip.length) throw new ZipFormatError(`${label}: ${name}: data runs past the end of the archive`);
        const raw = zip.subarray(start, start + compressedSize);
        const data = method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
        if (data.length !== size) throw new ZipFormatError(`${label}: ${name}: expected ${size} bytes, got ${data.length}`);
        if (crc32(data) >>> 0 !== crc) throw new ZipFormatError(`${label}: ${name}: CRC-32 mismatch`);
        return data;
      },
    });
  }
  return entries;
}

/** The entries by name, for tests and quick look-ups. */
export function zipEntryMap(source: string | Buffer): Map<string, ZipEntry> {
  return new Map(readZip(source).map((entry) => [entry.name, entry]));
}

/** Where `name` lands under `dir`; throws for absolute paths and `..` escapes (zip slip). */
function safeTarget(dir: string, name: string): string {
  const cleaned = normalize(name.replace(/\\/g, '/'));
  if (name.includes('\0') || isAbsolute(cleaned) || /^[a-zA-Z]:/.test(name)) throw new ZipFormatError(`refusing to extract ${JSON.stringify(name)}: absolute path`);
  const target = resolve(dir, cleaned);
  const root = resolve(dir);
  if (target !== root && !target.startsWith(root + sep)) throw new ZipFormatError(`refusing to extract ${JSON.stringify(name)}: it escapes ${root}`);
  return target;
}

/** Extracts every entry of `zipPath` under `dir` (created if missing). Returns the paths of the files written. */
export function extractZip(zipPath: string, dir: string): string[] {
  const entries = readZip(zipPath);
  // Validate every path before writing anything.
  const targets = entries.map((entry) => safeTarget(dir, entry.name));
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  entries.forEach((entry, index) => {
    const target = targets[index] ?? join(dir, entry.name);
    if (entry.isDirectory) {
      mkdirSync(target, { recursive: true });
      return;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.data());
    written.push(target);
  });
  return written;
}
