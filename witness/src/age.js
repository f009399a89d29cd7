// age X25519 encryption (the reference TypeScript age, age-encryption), usable where the page is
// not a secure context: age-encryption falls back to its pure-JavaScript X25519 only when WebCrypto
// throws NotSupportedError or a ReferenceError, but a missing crypto.subtle gives a TypeError. So
// where crypto.subtle is missing the kit puts a stand-in whose every call is NotSupportedError:
// age then takes its documented fallback (noble's X25519). Nothing else in the kit needs subtle.
import { Decrypter, Encrypter } from "age-encryption";

export function ensureSubtle() {
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== "function") throw new Error("this browser has no secure random numbers");
  if (c.subtle) return false;
  const unsupported = () => Promise.reject(new DOMException("WebCrypto is not available here", "NotSupportedError"));
  const stand = { importKey: unsupported, deriveBits: unsupported, generateKey: unsupported, exportKey: unsupported };
  Object.defineProperty(c, "subtle", { value: stand, configurable: true });
  return true;
}

export async function encryptStream(recipients, stream) {
  ensureSubtle();
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return e.encrypt(stream);
}

export async function encryptWithPassphrase(passphrase, bytes) {
  ensureSubtle();
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  return e.encrypt(bytes);
}

export async function decryptWithPassphrase(passphrase, bytes) {
  ensureSubtle();
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  return d.decrypt(bytes);
}
