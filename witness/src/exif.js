// Reading the few EXIF fields the kit needs from a TIFF structure (JPEG APP1 after "Exif\0\0",
// or a PNG eXIf chunk): orientation (kept), capture time, device and GPS (into the envelope only).
// Every offset is bounds-checked: a malformed EXIF yields nothing rather than an error.

function reader(t) {
  if (t.length < 8) return null;
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return null;
  const dv = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const u16 = (o) => (o + 2 <= t.length ? dv.getUint16(o, le) : null);
  const u32 = (o) => (o + 4 <= t.length ? dv.getUint32(o, le) : null);
  if (u16(2) !== 42) return null;
  return { t, le, u16, u32 };
}

function entries(r, offset) {
  const out = new Map();
  const n = r.u16(offset);
  if (n === null || n > 1000) return out;
  for (let i = 0; i < n; i++) {
    const e = offset + 2 + i * 12;
    const tag = r.u16(e), type = r.u16(e + 2), count = r.u32(e + 4);
    if (tag === null || type === null || count === null) break;
    out.set(tag, { type, count, at: e + 8 });
  }
  return out;
}

const SIZES = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

function valueOffset(r, e) {
  const bytes = (SIZES[e.type] || 1) * e.count;
  return bytes <= 4 ? e.at : r.u32(e.at);
}

function ascii(r, e) {
  if (!e || e.type !== 2) return null;
  const o = valueOffset(r, e);
  if (o === null || o + e.count > r.t.length) return null;
  let s = "";
  for (let i = 0; i < e.count && r.t[o + i] !== 0; i++) s += String.fromCharCode(r.t[o + i]);
  return s.trim() || null;
}

function short(r, e) {
  if (!e || e.type !== 3 || e.count < 1) return null;
  return r.u16(e.at);
}

function rationals(r, e) {
  if (!e || e.type !== 5 || e.count !== 3) return null;
  const o = r.u32(e.at);
  if (o === null || o + 24 > r.t.length) return null;
  const v = [];
  for (let i = 0; i < 3; i++) {
    const num = r.u32(o + i * 8), den = r.u32(o + i * 8 + 4);
    if (!den) return null;
    v.push(num / den);
  }
  return v[0] + v[1] / 60 + v[2] / 3600;
}

export function orientation(tiff) {
  const r = reader(tiff);
  if (!r) return null;
  const v = short(r, entries(r, r.u32(4)).get(0x0112));
  return v >= 1 && v <= 8 ? v : null;
}

// Time, device and GPS, as roshan.bundle.media.capture_metadata reads them.
export function capture(tiff) {
  const r = reader(tiff);
  if (!r) return {};
  const ifd0 = entries(r, r.u32(4));
  const out = {};
  const sub = ifd0.get(0x8769);
  const exifIfd = sub ? entries(r, r.u32(sub.at)) : new Map();
  const when = ascii(r, exifIfd.get(0x9003)) || ascii(r, ifd0.get(0x0132));
  if (when) out.time = when;
  const device = [ascii(r, ifd0.get(0x010f)), ascii(r, ifd0.get(0x0110))].filter(Boolean).join(" ");
  if (device) out.device = device;
  const g = ifd0.get(0x8825);
  if (g) {
    const gps = entries(r, r.u32(g.at));
    let lat = rationals(r, gps.get(2)), lon = rationals(r, gps.get(4));
    if (lat !== null && lon !== null) {
      if (ascii(r, gps.get(1)) === "S") lat = -lat;
      if (ascii(r, gps.get(3)) === "W") lon = -lon;
      out.gps = { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
    }
  }
  return out;
}

// The smallest TIFF that says only how to turn the picture (big-endian, one entry in IFD0).
// roshan.bundle.strip writes the same 26 bytes: a shared test vector checks both.
export function orientationTiff(v) {
  return new Uint8Array([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01,
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, v, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
  ]);
}
