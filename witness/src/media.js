// Media type by content (as roshan.bundle.media does) and what the kit can strip.

const MAGIC = [
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "image/png"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
  [[0x25, 0x50, 0x44, 0x46], "application/pdf"],
];

export function mediaType(head, name, fallback) {
  for (const [magic, kind] of MAGIC) if (magic.every((b, i) => head[i] === b)) return kind;
  const s = String.fromCharCode(...head.subarray(0, 16));
  if (s.slice(4, 8) === "ftyp") return s.slice(8, 11) !== "qt " ? "video/mp4" : "video/quicktime";
  if (s.startsWith("RIFF") && s.slice(8, 12) === "WEBP") return "image/webp";
  return fallback || "application/octet-stream";
}

export const canStrip = (kind) => ["image/jpeg", "image/png", "video/mp4", "video/quicktime"].includes(kind);
