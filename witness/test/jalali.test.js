// The date hint agrees with Python's jdatetime (pairs computed with it), leap years included.
import assert from "node:assert/strict";
import { test } from "node:test";
import { toGregorian, toJalali } from "../src/jalali.js";

const PAIRS = [
  [[1379, 6, 13], [2000, 9, 3]], [[1395, 5, 11], [2016, 8, 1]], [[1393, 3, 10], [2014, 5, 31]],
  [[1374, 8, 16], [1995, 11, 7]], [[1385, 5, 15], [2006, 8, 6]], [[1409, 11, 12], [2031, 2, 1]],
  [[1395, 11, 14], [2017, 2, 2]], [[1390, 1, 18], [2011, 4, 7]], [[1396, 11, 5], [2018, 1, 25]],
  [[1394, 11, 1], [2016, 1, 21]], [[1371, 9, 18], [1992, 12, 9]], [[1395, 12, 12], [2017, 3, 2]],
  [[1403, 12, 30], [2025, 3, 20]], [[1404, 1, 1], [2025, 3, 21]], [[1399, 12, 30], [2021, 3, 20]],
  [[1404, 10, 18], [2026, 1, 8]],
];

test("Solar Hijri <-> Gregorian as jdatetime converts", () => {
  for (const [j, g] of PAIRS) {
    assert.deepEqual(toGregorian(...j), g, `${j} -> ${g}`);
    assert.deepEqual(toJalali(...g), j, `${g} -> ${j}`);
  }
});
