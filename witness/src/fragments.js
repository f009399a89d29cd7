// Fragments in the format of `roshan split` (docs/fragment-format.md): RaptorQ (RFC 6330) symbols
// of 4 MiB blocks, each in a 42-byte frame; text lines `rq1:<base64url>:`; QR frames of 700 bytes.
//
// The npm raptorq build (1.7.x, WebAssembly) numbers repair symbols from K' (the padded source
// symbol count) where RFC 6330 and the Python raptorq 2.x number them from K (cberner/raptorq #164):
// `encodeBlock` relabels its repair packets K, K+1, … so Python decodes them, and `decodeBlock`
// relabels standard packets back to what the old decoder expects. Tests check both ways.
import { sha256 } from "@noble/hashes/sha2.js";
import { Decoder, Encoder, initSync } from "raptorq/raptorq.js";
import { b64url, concat, crc32, fromUtf8, hex, unb64, utf8 } from "./bytes.js";

export const MAGIC = [0xd1, 0x52, 0x51];
export const OVERHEAD = 42;
export const DEFAULT_BLOCK = 4 << 20;
const MAX_SOURCE_SYMBOLS = 50000;
const MAX_SYMBOL = 65528;
export const QR_BYTES = 700;
export const RELAY_FRAGMENT = 60000;

let ready = false;
export function initRaptorq(wasmBytes) {
  if (!ready) initSync(wasmBytes);
  ready = true;
}

export function symbolSizeFor(fragmentBytes) {
  const t = Math.floor((fragmentBytes - OVERHEAD) / 8) * 8;
  if (t < 8) throw new Error(`a fragment of ${fragmentBytes} bytes is too small`);
  return Math.min(t, MAX_SYMBOL);
}

export const frameBytesForChars = (chars) => Math.floor(((chars - 5) * 3) / 4);

const esiOf = (p) => (p[1] << 16) | (p[2] << 8) | p[3];
function withEsi(p, esi) {
  const q = p.slice();
  q[1] = (esi >> 16) & 0xff;
  q[2] = (esi >> 8) & 0xff;
  q[3] = esi & 0xff;
  return q;
}

// Every packet of one block: K source packets, then `repair` repair packets numbered from K.
export function encodeBlock(block, t, repair) {
  const k = Math.ceil(block.length / t);
  const enc = Encoder.with_defaults(block, t);
  const packets = enc.encode(repair);
  enc.free();
  let next = k;
  return packets.map((p) => (esiOf(p) < k ? p : withEsi(p, next++)));
}

// K' for a block, as the old decoder numbers repair symbols: read off the encoder's first repair.
function paddedCount(length, t) {
  const k = Math.ceil(length / t);
  const enc = Encoder.with_defaults(new Uint8Array(length), t);
  const first = enc.encode(1).find((p) => esiOf(p) >= k);
  enc.free();
  return first ? esiOf(first) : k;
}

// Decode standard (RFC-numbered) packets of one block; null until enough have arrived.
export function decodeBlock(length, t, packets) {
  const k = Math.ceil(length / t);
  const shift = paddedCount(length, t) - k;
  const dec = Decoder.with_defaults(BigInt(length), t);
  try {
    for (const p of packets) {
      const e = esiOf(p);
      const out = dec.decode(e < k ? p : withEsi(p, e + shift));
      if (out) return out;
    }
    return null;
  } finally {
    dec.free();
  }
}

// The transfer id: from the age header (fresh random stanzas per sealed file), as Python derives it.
export async function transferId(blob) {
  const head = new Uint8Array(await blob.slice(0, 4096).arrayBuffer());
  const text = fromUtf8(head.subarray(0, 22));
  const at = findBytes(head, utf8("\n---"));
  if (text === "age-encryption.org/v1\n" && at >= 0) {
    return sha256(concat([utf8("roshan transfer id\0"), head.subarray(0, at)])).subarray(0, 8);
  }
  return crypto.getRandomValues(new Uint8Array(8));
}

function findBytes(h, needle) {
  outer: for (let i = 0; i + needle.length <= h.length; i++) {
    for (let j = 0; j < needle.length; j++) if (h[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function frame(tid, length, index, count, blockSize, t, packet) {
  const head = new Uint8Array(34);
  const dv = new DataView(head.buffer);
  head.set(MAGIC, 0);
  head[3] = 1;
  head.set(tid, 4);
  dv.setBigUint64(12, BigInt(length));
  dv.setUint32(20, index);
  dv.setUint32(24, count);
  dv.setUint32(28, blockSize);
  dv.setUint16(32, t);
  const body = concat([head, packet]);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, crc32(body));
  return concat([body, crc]);
}

function blockSizeFor(t) {
  return Math.max(Math.floor(Math.min(DEFAULT_BLOCK, t * MAX_SOURCE_SYMBOLS) / t), 1) * t;
}

// How many frames `split` yields, without making them (for progress).
export function frameCount(length, t, redundancy = 0.5) {
  const blockSize = blockSizeFor(t);
  let n = 0;
  for (let at = 0; at < length; at += blockSize) {
    const k = Math.ceil(Math.min(blockSize, length - at) / t);
    n += k + Math.ceil(k * redundancy);
  }
  return n;
}

// Every frame of a sealed Blob, block by block (one block in memory at a time).
export async function* split(blob, t, redundancy = 0.5) {
  const length = blob.size;
  const blockSize = blockSizeFor(t);
  const tid = await transferId(blob);
  const count = Math.ceil(length / blockSize);
  for (let index = 0; index < count; index++) {
    const block = new Uint8Array(await blob.slice(index * blockSize, Math.min((index + 1) * blockSize, length)).arrayBuffer());
    const k = Math.ceil(block.length / t);
    for (const p of encodeBlock(block, t, Math.ceil(k * redundancy))) {
      yield frame(tid, length, index, count, blockSize, t, p);
    }
  }
}

export const textLine = (f) => `rq1:${b64url(f)}:`;

export function parseLine(line) {
  const m = /rq1:([A-Za-z0-9_-]+):/i.exec(line.replace(/\s+/g, ""));
  return m ? unb64(m[1]) : null;
}

export const frameId = (f) => hex(sha256(f));
