// The few pieces of a POSIX ustar archive the export's download writes: a 512-byte
// header per file, zeros to the next 512-byte boundary after its bytes, and two zero
// blocks at the end. Paths are the export's own (ASCII, at most 100 bytes).
const BLOCK = 512;
const encoder = new TextEncoder();

function field(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > length) throw new Error(`tar field too long: ${text}`);
  header.set(bytes, offset);
}

/** An octal number in `length` bytes: digits, then a NUL. */
function octal(header: Uint8Array, offset: number, length: number, value: number): void {
  field(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

/** The header of a regular file `path` of `size` bytes, modified at `mtimeMs`. */
export function tarHeader(path: string, size: number, mtimeMs: number): Uint8Array {
  if (encoder.encode(path).length > 100) throw new Error(`tar path longer than 100 bytes: ${path}`);
  const header = new Uint8Array(BLOCK);
  field(header, 0, 100, path);
  octal(header, 100, 8, 0o644);
  octal(header, 108, 8, 0);
  octal(header, 116, 8, 0);
  octal(header, 124, 12, size);
  octal(header, 136, 12, Math.floor(mtimeMs / 1000));
  // The checksum is summed with its own field as spaces.
  field(header, 148, 8, "        ");
  field(header, 156, 1, "0");
  field(header, 257, 6, "ustar\0");
  field(header, 263, 2, "00");
  const sum = header.reduce((total, byte) => total + byte, 0);
  field(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/** The zeros after a file of `size` bytes. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The end of the archive. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(2 * BLOCK);
}
