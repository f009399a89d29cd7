// Sealing a report in the page, in the format of `roshan seal` (docs/bundle-format.md):
// age X25519 to every recipient ( tar ( manifest.json RFC 8785, manifest.sig Ed25519, attachments ) ).
// Each attachment is read twice in slices (hash, then encrypt): the manifest comes first and
// carries every hash. The sealed file is collected as a Blob of Blobs (no writable file stream
// exists on file://), so memory holds one slice at a time plus what the browser keeps for Blobs.
import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import canonicalize from "canonicalize";
import { encryptStream } from "./age.js";
import { b64, concat, hex, randomHex, slices, utf8 } from "./bytes.js";
import { canStrip, mediaType } from "./media.js";
import { StripError, stripJpeg, stripMp4, stripPng } from "./strip.js";
import * as tar from "./tar.js";

ed.hashes.sha512 = sha512;

export const MAX_TOTAL = 256 << 20; // the size cap: all attachments together, before sealing
export const MAX_IMAGE = 64 << 20; // a photo is stripped in memory
export const MAX_MANIFEST = 1 << 20;
const SLICE = 1 << 20;

export class SealError extends Error {}

export function safeName(name, taken) {
  const base = Array.from(name.replace(/[/\\\x00-\x1f]/g, "_")).slice(-150).join("") || "attachment";
  let candidate = base;
  let n = 1;
  while (taken.has(candidate) || candidate === "manifest.json" || candidate === "manifest.sig") {
    n += 1;
    candidate = `${n}-${base}`;
  }
  taken.add(candidate);
  return candidate;
}

const ASCII_DIGITS = (s) => s.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));
const SHAPE = /^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$/;

// The checks roshan.bundle.manifest.validate_report makes on what the page can produce.
export function checkReport(report) {
  if (!String(report.testimony || "").trim() && !String(report.what || "").trim())
    throw new SealError("empty");
  if (report.when) {
    const m = SHAPE.exec(ASCII_DIGITS(report.when).trim());
    const y = m && Number(m[1]);
    const bad = !m || (m[2] && !(Number(m[2]) >= 1 && Number(m[2]) <= 12)) || (m[3] && !(Number(m[3]) >= 1 && Number(m[3]) <= 31));
    if (bad || !((y >= 1200 && y < 1700) || (y >= 1800 && y <= 2200))) throw new SealError("when");
  }
}

export function totalSize(files) {
  return files.reduce((n, f) => n + f.size, 0);
}

async function hashBlob(blob, progress) {
  const h = sha256.create();
  for await (const s of slices(blob, SLICE)) {
    h.update(s);
    progress?.(s.length);
  }
  return hex(h.digest());
}

// What will be sealed for one file: its bytes (a Blob), its manifest entry, warnings.
async function prepare(file, taken, keepPlace, progress) {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const kind = mediaType(head, file.name, file.type);
  const entry = { name: safeName(file.name || "attachment", taken), size: 0, media_type: kind, sha256: "" };
  let blob = file;
  let capture = {};
  if (canStrip(kind)) {
    try {
      if (kind.startsWith("image/")) {
        if (file.size > MAX_IMAGE) throw new SealError("image-too-large");
        const bytes = new Uint8Array(await file.arrayBuffer());
        const r = kind === "image/jpeg" ? stripJpeg(bytes) : stripPng(bytes);
        blob = new Blob([r.data]);
        capture = r.capture;
      } else {
        blob = await stripMp4(file);
      }
    } catch (exc) {
      if (exc instanceof StripError) throw new SealError(`${file.name}: ${exc.message}`);
      throw exc;
    }
    entry.stripped = true;
    entry.original_sha256 = await hashBlob(file, progress);
  }
  if (!keepPlace) delete capture.gps;
  if (Object.keys(capture).length) entry.capture = capture;
  entry.size = blob.size;
  entry.sha256 = await hashBlob(blob, progress);
  return { blob, entry, warning: canStrip(kind) ? null : kind };
}

// A device key: {seed: Uint8Array(32), anonymous: bool}. One-time unless given.
export function oneTimeKey() {
  return { seed: ed.utils.randomSecretKey(), anonymous: true };
}

export const publicKeyB64 = (key) => b64(ed.getPublicKey(key.seed));

export async function seal({ report, files, recipients, key, keepPlace = false, onProgress }) {
  checkReport(report);
  if (!recipients.length) throw new SealError("no-recipients");
  if (totalSize(files) > MAX_TOTAL) throw new SealError("too-large");
  const work = totalSize(files) * 3 || 1;
  let done = 0;
  const progress = (n) => {
    done += n;
    onProgress?.(Math.min(done / work, 1));
  };
  const taken = new Set();
  const prepared = [];
  const warnings = [];
  for (const f of files) {
    const p = await prepare(f, taken, keepPlace, progress);
    prepared.push(p);
    if (p.warning) warnings.push({ name: f.name, kind: p.warning });
  }
  key = key || oneTimeKey();
  const manifest = {
    format: "roshan-report",
    version: 1,
    report_id: randomHex(16),
    sealed_at: new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00"),
    device: { public_key: publicKeyB64(key), anonymous: key.anonymous },
    report,
    attachments: prepared.map((p) => p.entry),
  };
  const body = utf8(canonicalize(manifest));
  if (body.length > MAX_MANIFEST) throw new SealError("manifest-too-large");
  const sig = ed.sign(body, key.seed);

  async function* tarStream() {
    let total = 0;
    const emit = (b) => {
      total += b.length;
      return b;
    };
    for (const [name, data] of [["manifest.json", body], ["manifest.sig", sig]]) {
      yield emit(concat([tar.header(name, data.length), data, tar.padding(data.length)]));
    }
    for (const p of prepared) {
      yield emit(tar.header(p.entry.name, p.blob.size));
      for await (const s of slices(p.blob, SLICE)) {
        progress(s.length);
        yield emit(s);
      }
      yield emit(tar.padding(p.blob.size));
    }
    yield tar.end(total);
  }
  const it = tarStream();
  const plain = new ReadableStream({
    async pull(ctl) {
      const { value, done: end } = await it.next();
      if (end) ctl.close();
      else ctl.enqueue(value);
    },
  });
  const sealed = await encryptStream(recipients, plain);
  const reader = sealed.getReader();
  const blobs = [];
  let pending = [];
  let pendingBytes = 0;
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    pending.push(value);
    pendingBytes += value.length;
    if (pendingBytes >= 8 << 20) {
      blobs.push(new Blob(pending));
      pending = [];
      pendingBytes = 0;
    }
  }
  blobs.push(new Blob(pending));
  onProgress?.(1);
  return { blob: new Blob(blobs, { type: "application/octet-stream" }), manifest, warnings, name: `${randomHex(4)}.bin` };
}
