// Removing metadata in the page, byte for byte as roshan.bundle.strip does (docs/bundle-format.md):
// JPEG: every APPn but JFIF's APP0, and comments, dropped; an EXIF Orientation other than 1 is kept
//   as a minimal APP1 where the EXIF was; the image data is copied unchanged.
// PNG: tEXt, zTXt, iTXt, eXIf, tIME, iCCP dropped; an Orientation is kept as a minimal eXIf.
// MP4/QuickTime: udta and meta boxes under moov and its traks, and XMP uuid boxes, become free
//   boxes of the same length, zero-filled: every offset in the file stays valid.
import { concat, crc32, utf8 } from "./bytes.js";
import { capture as exifCapture, orientation, orientationTiff } from "./exif.js";

export class StripError extends Error {}

const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0];
const JFIF = [0x4a, 0x46, 0x49, 0x46, 0];
const starts = (b, prefix) => prefix.every((x, i) => b[i] === x);

function need(b, at, n) {
  if (at + n > b.length) throw new StripError("file ends in the middle of a segment");
}

// Returns {data, capture} where capture holds what EXIF said (time, device, gps, width, height).
export function stripJpeg(b) {
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new StripError("not a JPEG (no SOI marker)");
  const out = [b.subarray(0, 2)];
  const cap = {};
  let kept = false;
  let at = 2;
  for (;;) {
    need(b, at, 2);
    if (b[at] !== 0xff) throw new StripError("JPEG segment does not start with a marker");
    const kind = b[at + 1];
    if (kind === 0xd9) {
      out.push(b.subarray(at, at + 2));
      break;
    }
    if ((kind >= 0xd0 && kind <= 0xd7) || kind === 0x01) {
      out.push(b.subarray(at, at + 2));
      at += 2;
      continue;
    }
    need(b, at + 2, 2);
    const length = (b[at + 2] << 8) | b[at + 3];
    need(b, at + 4, length - 2);
    const body = b.subarray(at + 4, at + 2 + length);
    const drop = (kind >= 0xe1 && kind <= 0xef) || kind === 0xfe || (kind === 0xe0 && !starts(body, JFIF));
    if (kind === 0xe1 && starts(body, EXIF)) {
      const tiff = body.subarray(6);
      Object.assign(cap, exifCapture(tiff));
      const o = orientation(tiff);
      if (o && o !== 1 && !kept) {
        const t = orientationTiff(o);
        const len = 2 + 6 + t.length;
        out.push(concat([new Uint8Array([0xff, 0xe1, len >> 8, len & 0xff]), new Uint8Array(EXIF), t]));
        kept = true;
      }
    }
    if (kind >= 0xc0 && kind <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(kind) && body.length >= 5) {
      cap.height = (body[1] << 8) | body[2];
      cap.width = (body[3] << 8) | body[4];
    }
    if (!drop) out.push(b.subarray(at, at + 2 + length));
    at += 2 + length;
    if (kind === 0xda) {
      out.push(b.subarray(at));
      break;
    }
  }
  return { data: concat(out), capture: cap };
}

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_DROP = new Set(["tEXt", "zTXt", "iTXt", "eXIf", "tIME", "iCCP"]);

export function stripPng(b) {
  if (!starts(b, PNG_SIG)) throw new StripError("not a PNG (bad signature)");
  const out = [b.subarray(0, 8)];
  const cap = {};
  let at = 8;
  while (at < b.length) {
    if (at + 8 > b.length) throw new StripError("PNG ends in the middle of a chunk");
    const length = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
    const kind = String.fromCharCode(...b.subarray(at + 4, at + 8));
    need(b, at + 8, length + 4);
    const data = b.subarray(at + 8, at + 8 + length);
    if (kind === "IHDR" && length >= 8) {
      const dv = new DataView(data.buffer, data.byteOffset, 8);
      cap.width = dv.getUint32(0);
      cap.height = dv.getUint32(4);
    }
    if (kind === "eXIf") {
      Object.assign(cap, exifCapture(data));
      const o = orientation(data);
      if (o && o !== 1) out.push(pngChunk("eXIf", orientationTiff(o)));
    }
    if (!PNG_DROP.has(kind)) out.push(b.subarray(at, at + 12 + length));
    at += 12 + length;
    if (kind === "IEND") break;
  }
  return { data: concat(out), capture: cap };
}

function pngChunk(kind, data) {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, data.length);
  head.set(utf8(kind), 4);
  const crc = new Uint8Array(4);
  new DataView(crc.buffer).setUint32(0, crc32(concat([head.subarray(4), data])));
  return concat([head, data, crc]);
}

// MP4 / QuickTime ------------------------------------------------------------------------------

const MAX_MOOV = 64 << 20;
const XMP_UUID = [0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac];
const typeOf = (b, at) => String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);

function boxSize(b, at, end) {
  const dv = new DataView(b.buffer, b.byteOffset);
  let size = dv.getUint32(at);
  let head = 8;
  if (size === 1) {
    if (at + 16 > end) throw new StripError("MP4 box header cut short");
    size = Number(dv.getBigUint64(at + 8));
    head = 16;
  } else if (size === 0) size = end - at;
  if (size < head || at + size > end) throw new StripError("MP4 box runs past its parent");
  return { size, head };
}

function isMetadataBox(b, at, kind, head) {
  if (kind === "udta" || kind === "meta") return true;
  return kind === "uuid" && starts(b.subarray(at + head), XMP_UUID);
}

// Turn a box into a free box of the same length (header kept at its size, payload zeroed).
function free(b, at, size, head) {
  b.set(utf8("free"), at + 4);
  b.fill(0, at + head, at + size);
}

function walk(b, start, end) {
  let at = start;
  while (at + 8 <= end) {
    const kind = typeOf(b, at);
    const { size, head } = boxSize(b, at, end);
    if (isMetadataBox(b, at, kind, head)) free(b, at, size, head);
    else if (kind === "trak") walk(b, at + head, at + size);
    at += size;
  }
}

// The stripped file as a Blob (slices of the original for the media data: nothing is copied).
export async function stripMp4(file) {
  const parts = [];
  let at = 0;
  const read = async (a, n) => new Uint8Array(await file.slice(a, a + n).arrayBuffer());
  while (at < file.size) {
    if (at + 8 > file.size) throw new StripError("MP4 ends in the middle of a box header");
    const h = await read(at, 32);
    const kind = typeOf(h, 0);
    const { size, head } = boxSize(h.length < 16 ? concat([h, new Uint8Array(16 - h.length)]) : h, 0, file.size - at);
    if (kind === "moov" || isMetadataBox(h, 0, kind, head)) {
      if (size > MAX_MOOV || new DataView(h.buffer).getUint32(0) === 0) throw new StripError("MP4 metadata box too large to rewrite");
      const box = await read(at, size);
      if (kind === "moov") walk(box, head, size);
      else free(box, 0, size, head);
      parts.push(box);
    } else {
      parts.push(file.slice(at, at + size));
    }
    at += size;
  }
  return new Blob(parts);
}
