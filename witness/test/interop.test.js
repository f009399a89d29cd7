// RaptorQ and tar against Python's real output (fixtures checked by tests/witness/test_interop.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { b64, unb64 } from "../src/bytes.js";
import { decodeBlock, encodeBlock, frameCount, initRaptorq, split, symbolSizeFor } from "../src/fragments.js";
import * as tar from "../src/tar.js";

const dir = new URL("../../tests/data/witness/", import.meta.url);
initRaptorq(readFileSync(new URL("../node_modules/raptorq/raptorq_bg.wasm", import.meta.url)));
const esi = (p) => (p[1] << 16) | (p[2] << 8) | p[3];

test("packets Python encoded decode in the kit, from repair symbols too", () => {
  const fx = JSON.parse(readFileSync(new URL("python-raptorq.json", dir)));
  const data = Uint8Array.from({ length: fx.length }, (_, i) => (i * 7 + 3) & 255);
  const packets = fx.packets.map(unb64);
  const k = Math.ceil(fx.length / fx.T);
  const someSourceLost = packets.filter((p) => esi(p) >= 10); // ten source symbols lost
  assert.deepEqual(decodeBlock(fx.length, fx.T, someSourceLost), data);
  assert.deepEqual(decodeBlock(fx.length, fx.T, packets.filter((p) => esi(p) >= k)), data, "from Python's repair symbols alone");
  assert.equal(decodeBlock(fx.length, fx.T, packets.slice(0, k - 1)), null, "K - 1 symbols are not enough");
});

test("the kit numbers repair symbols as RFC 6330 does (K, K+1, …), and they are Python's symbols", () => {
  const fx = JSON.parse(readFileSync(new URL("python-raptorq.json", dir)));
  const data = Uint8Array.from({ length: fx.length }, (_, i) => (i * 7 + 3) & 255);
  const mine = encodeBlock(data, fx.T, 40).map(b64);
  assert.deepEqual(mine, fx.packets, "byte for byte what Python's raptorq makes");
});

test("tar headers are byte for byte Python's", () => {
  const fx = JSON.parse(readFileSync(new URL("python-tar.json", dir)));
  for (const [name, header] of Object.entries(fx)) assert.equal(b64(tar.header(name, 1234)), header, name);
});

test("split makes as many frames as frameCount says, over several blocks", async () => {
  const t = symbolSizeFor(700);
  const blob = new Blob([crypto.getRandomValues(new Uint8Array(65536)), new Uint8Array(9 << 19)]); // two blocks
  let n = 0;
  for await (const f of split(blob, t)) {
    assert.equal(f.length, t + 42);
    n++;
  }
  assert.equal(n, frameCount(blob.size, t));
});
