// The kit's check of itself (docs/witness-kit.md). `roshan witness-kit` signs, with the archive's
// Ed25519 publishing key, the message
//   "roshan-witness-kit/1\n" || for each of title, style, config, code: 8-byte big-endian length || UTF-8 text
// and writes the signature as the file's last line, `<!--kit-signature:BASE64-->`. The page reads
// the same four texts from its own elements and the signature from that comment, and checks it
// against the publishing key in its config. This catches a damaged copy. It cannot catch a forged
// kit: whoever forges one also removes or rewrites this check. Only `roshan witness-kit verify
// --key publish.pub`, or the fingerprints compared out of band, catch that.
import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { concat, hex, unb64, utf8 } from "./bytes.js";

ed.hashes.sha512 = sha512;
export const DOMAIN = "roshan-witness-kit/1\n";

export function signedMessage(parts) {
  const out = [utf8(DOMAIN)];
  for (const text of parts) {
    const b = utf8(text);
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(b.length));
    out.push(len, b);
  }
  return concat(out);
}

export function fingerprint(publicText) {
  const h = hex(sha256(utf8(publicText.trim()))).slice(0, 32);
  return h.match(/.{4}/g).join(" ");
}

// {ok, reason, config}: reason is a key into the page's messages.
export function checkKit(doc) {
  const text = (sel) => doc.querySelector(sel)?.textContent ?? null;
  const parts = [text("title"), text("style"), text("#kit-config"), text("#kit-code")];
  if (parts.some((p) => p === null)) return { ok: false, reason: "damaged" };
  let config;
  try {
    config = JSON.parse(parts[2]);
  } catch {
    return { ok: false, reason: "damaged" };
  }
  if (!config || !Array.isArray(config.recipients) || !config.recipients.length) return { ok: false, reason: "unbuilt", config };
  const comment = Array.from(doc.childNodes).reverse().find((n) => n.nodeType === 8 && n.data.startsWith("kit-signature:"));
  if (!comment) return { ok: false, reason: "unsigned", config };
  try {
    const sig = unb64(comment.data.slice("kit-signature:".length).trim());
    const pub = unb64(config.publisher);
    if (sig.length === 64 && pub.length === 32 && ed.verify(sig, signedMessage(parts), pub)) return { ok: true, config };
  } catch {
    /* falls through: a damaged signature or key */
  }
  return { ok: false, reason: "damaged", config };
}
