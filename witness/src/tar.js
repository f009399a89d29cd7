// A POSIX (pax) tar laid out exactly as roshan.bundle.tarstream writes it (Python's tarfile, PAX
// format): each header's length follows from a member's name and size alone, so the whole tar is
// laid out before any attachment is read. A test compares these bytes with Python's.
import { concat, utf8 } from "./bytes.js";

export const BLOCK = 512;
const RECORD = 20 * BLOCK;

function octal(n, width) {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function block(name, size, type, mode) {
  const b = new Uint8Array(BLOCK);
  const put = (s, at) => b.set(utf8(s), at);
  put(name.slice(0, 100), 0);
  put(octal(mode, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(0, 12), 136);
  b.fill(0x20, 148, 156);
  put(type, 156);
  put("ustar\x0000", 257);
  let sum = 0;
  for (const x of b) sum += x;
  put(sum.toString(8).padStart(6, "0") + "\0", 148);
  return b;
}

function paxRecord(key, value) {
  const body = ` ${key}=${value}\n`;
  const blen = utf8(body).length;
  let n = blen + 1;
  while (String(n).length + blen !== n) n = String(n).length + blen;
  return `${n}${body}`;
}

export function header(name, size) {
  const ascii = name.replace(/[^\x00-\x7f]/gu, "?");
  const parts = [];
  if (ascii !== name || utf8(name).length > 100) {
    const records = utf8(paxRecord("path", name));
    parts.push(block("././@PaxHeader", records.length, "x", 0), records, padding(records.length));
  }
  parts.push(block(ascii, size, "0", 0o644));
  return concat(parts);
}

export const padding = (size) => new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);

export function end(total) {
  total += 2 * BLOCK;
  return new Uint8Array(2 * BLOCK + ((RECORD - (total % RECORD)) % RECORD));
}
