// The shared vectors (tests/data/witness): the kit strips byte for byte as `roshan seal` does.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../src/bytes.js";
import { mediaType } from "../src/media.js";
import { stripJpeg, stripMp4, stripPng } from "../src/strip.js";

const dir = new URL("../../tests/data/witness/", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("vectors.json", dir)));

for (const [name, v] of Object.entries(vectors)) {
  test(`strips ${name} as roshan seal does`, async () => {
    const bytes = new Uint8Array(readFileSync(new URL(name, dir)));
    assert.equal(mediaType(bytes.subarray(0, 16), name, ""), v.media_type);
    let out;
    if (v.media_type === "image/jpeg") out = stripJpeg(bytes).data;
    else if (v.media_type === "image/png") out = stripPng(bytes).data;
    else out = new Uint8Array(await (await stripMp4(new Blob([bytes]))).arrayBuffer());
    assert.equal(out.length, v.stripped_size);
    assert.equal(hex(sha256(out)), v.stripped_sha256);
  });
}

test("a JPEG's capture metadata is read from its EXIF", () => {
  const bytes = new Uint8Array(readFileSync(new URL("gps-orientation.jpg", dir)));
  const { capture } = stripJpeg(bytes);
  assert.equal(capture.device, "SIMULATED Phone");
  assert.equal(capture.time, "2026:01:08 21:30:00");
  assert.deepEqual(capture.gps, { lat: 35.69, lon: 51.42 });
  assert.equal(capture.width, 64);
});
