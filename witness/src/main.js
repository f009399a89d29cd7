// The witness kit's page: a Persian-first form that seals a report offline and carries it out.
// Stable hooks for tests and assistive technology are named in docs/witness-kit.md.
import qrcode from "qrcode-generator";
import wasm from "raptorq/raptorq_bg.wasm";
import { decryptWithPassphrase, encryptWithPassphrase } from "./age.js";
import { b64, fromUtf8, randomHex, unb64, utf8 } from "./bytes.js";
import * as frag from "./fragments.js";
import { MESSAGES } from "./i18n.js";
import { toGregorian, toJalali } from "./jalali.js";
import { checkKit, fingerprint } from "./kitcheck.js";
import { MAX_TOTAL, SealError, oneTimeKey, publicKeyB64, seal, totalSize } from "./seal.js";

const KEY_STORE = "kit-device-key";
const TEXT_CAP = 8 << 20;
const QR_CAP = 1 << 20;
const MB = (n) => Math.round(n / (1 << 20));

// The signature is the file's last line, after </html>: it exists once the document is parsed.
let check = { ok: false, reason: "damaged" };
let config = {};
let lang = "fa";
let state = { sealed: null, lines: null, lineSize: null, next: 0, qr: null, qrAt: 0, timer: null };
const M = () => MESSAGES[lang];

const $ = (sel) => document.querySelector(sel);
const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function render() {
  const m = M();
  document.documentElement.lang = lang;
  document.documentElement.dir = m.dir;
  const sizes = Object.entries(m.sizes).map(([v, label]) => `<option value="${v}"${v === "4000" ? " selected" : ""}>${label}</option>`).join("");
  let app = document.getElementById("app");
  if (!app) {
    app = document.createElement("div");
    app.id = "app";
    document.body.prepend(app);
  }
  app.innerHTML = `
<main>
<header><h1>${m.heading}</h1><button type="button" data-action="lang" lang="${lang === "fa" ? "en" : "fa"}">${m.switch}</button></header>
<p id="kit-check" role="status" class="${check.ok ? "ok" : "bad"}">${check.ok ? m.genuine : m[check.reason]}</p>
<p>${m.intro}</p>
<form id="report">
<label>${m.testimony}<textarea name="testimony" rows="8" dir="auto" required></textarea></label>
<label>${m.when}<input name="when" dir="ltr" inputmode="numeric" autocomplete="off"></label>
<p id="when-hint" class="hint" aria-live="polite"></p>
<label>${m.where}<input name="place" dir="auto" autocomplete="off"></label>
<label>${m.attachments}<input type="file" name="attachments" multiple accept="image/*,video/*"></label>
<p class="hint">${m.cap(MB(MAX_TOTAL))}</p>
<ul id="files"></ul>
<label class="check"><input type="checkbox" name="keep-place"> ${m.keepPlace}</label>
<label>${m.passphrase}<input type="password" name="passphrase" autocomplete="off"></label>
<button type="button" data-action="seal">${m.seal}</button>
<progress id="progress" max="1" value="0" hidden></progress>
<p id="seal-status" role="status" aria-live="polite"></p>
</form>
<section id="out" hidden>
<h2>${m.out}</h2>
<button type="button" data-action="save-report">${m.saveReport}</button>
<h3>${m.textHeading}</h3>
<label>${m.size}<select name="fragment-size">${sizes}</select></label>
<div class="row"><button type="button" data-action="save-text">${m.saveText}</button>
<button type="button" data-action="copy-next">${m.copyNext}</button></div>
<textarea data-current-line readonly rows="3" dir="ltr" aria-label="${m.copyNext}"></textarea>
<p id="text-status" role="status" aria-live="polite"></p>
<h3>${m.qrHeading}</h3>
<button type="button" data-action="show-qr">${m.showQr}</button>
<div id="qr" hidden><canvas data-qr-frame role="img" aria-label="QR"></canvas>
<div class="row"><button type="button" data-action="qr-next">${m.qrNext}</button><button type="button" data-action="qr-pause">${m.qrPause}</button><span id="qr-count"></span></div></div>
<p id="qr-status" role="status" aria-live="polite"></p>
<h3>${m.relayHeading}</h3>
<label>${m.relays}<textarea name="relays" rows="2" dir="ltr">${esc((config.relays || []).join("\n"))}</textarea></label>
<button type="button" data-action="send">${m.send}</button>
<p id="send-status" role="status" aria-live="polite"></p>
</section>
<footer>
<button type="button" data-action="wipe" class="danger">${m.wipe}</button>
<p id="wipe-status" role="status" aria-live="polite"></p>
<details><summary>${m.fingerprints}</summary><p>${m.checkLimit}</p><ul>
${(config.recipients || []).map((r) => `<li dir="ltr"><code>${fingerprint(r)}</code> age</li>`).join("")}
${config.publisher ? `<li dir="ltr"><code>${fingerprint(config.publisher)}</code> publish</li>` : ""}
</ul></details>
</footer>
</main>`;
  bind();
}

function status(id, text) {
  $(id).textContent = text;
}

function download(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

function whenHint() {
  const raw = $("[name=when]").value.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0));
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(raw.trim());
  let hint = "";
  if (m) {
    const [y, mo, d] = m.slice(1).map(Number);
    if (y >= 1200 && y < 1700) hint = "= " + toGregorian(y, mo, d).map((x, i) => String(x).padStart(i ? 2 : 4, "0")).join("-");
    else if (y >= 1800 && y <= 2200) hint = "= " + toJalali(y, mo, d).join("/");
  }
  status("#when-hint", hint);
}

async function deviceKey(passphrase) {
  const stored = localStorage.getItem(KEY_STORE);
  if (stored) {
    let plain;
    try {
      plain = fromUtf8(await decryptWithPassphrase(passphrase, unb64(stored)));
    } catch {
      throw new SealError(M().wrongPassphrase);
    }
    const [magic, seed] = plain.split("\n");
    if (magic !== "roshan-device-key/1") throw new SealError(M().wrongPassphrase);
    return { seed: unb64(seed.trim()), anonymous: false };
  }
  const key = { seed: oneTimeKey().seed, anonymous: false };
  const sealedKey = await encryptWithPassphrase(passphrase, utf8(`roshan-device-key/1\n${b64(key.seed)}\n`));
  localStorage.setItem(KEY_STORE, b64(sealedKey));
  status("#wipe-status", M().newDeviceKey(fingerprint(publicKeyB64(key))));
  return key;
}

async function onSeal() {
  const m = M();
  if (!check.ok) return status("#seal-status", m[check.reason]);
  const files = Array.from($("[name=attachments]").files);
  if (totalSize(files) > MAX_TOTAL) return status("#seal-status", m.tooLarge(MB(MAX_TOTAL)));
  const report = {};
  for (const [field, sel] of [["testimony", "[name=testimony]"], ["when", "[name=when]"], ["place", "[name=place]"]]) {
    const v = $(sel).value.trim();
    if (v) report[field] = v;
  }
  const bar = $("#progress");
  $("[data-action=seal]").disabled = true;
  bar.hidden = false;
  status("#seal-status", m.sealing);
  try {
    const pass = $("[name=passphrase]").value;
    const key = pass ? await deviceKey(pass) : null;
    const result = await seal({
      report,
      files,
      recipients: config.recipients,
      key,
      keepPlace: $("[name=keep-place]").checked,
      onProgress: (f) => (bar.value = f),
    });
    state = { ...state, sealed: result, lines: null, next: 0, qr: null };
    const size = result.blob.size < 1 << 20 ? `${Math.ceil(result.blob.size / 1024)} KB` : `${MB(result.blob.size)} MB`;
    const notes = result.warnings.map((w) => m.notStripped(w.name, w.kind));
    status("#seal-status", [m.sealed(size, result.name), ...notes].join(" "));
    $("#out").hidden = false;
  } catch (exc) {
    const known = { empty: m.empty, when: m.badWhen, "too-large": m.tooLarge(MB(MAX_TOTAL)) };
    status("#seal-status", exc instanceof SealError ? known[exc.message] || m.failed(exc.message) : m.failed(String(exc.message || exc)));
  } finally {
    $("[data-action=seal]").disabled = false;
    bar.hidden = true;
  }
}

async function frames(blob, fragmentBytes) {
  frag.initRaptorq(wasm);
  const out = [];
  for await (const f of frag.split(blob, frag.symbolSizeFor(fragmentBytes))) out.push(f);
  return out;
}

async function textLines() {
  const size = Number($("[name=fragment-size]").value);
  if (state.lines && state.lineSize === size) return state.lines;
  if (state.sealed.blob.size > TEXT_CAP) {
    status("#text-status", M().tooLargeFor(MB(TEXT_CAP)));
    return null;
  }
  const fs = await frames(state.sealed.blob, frag.frameBytesForChars(size));
  state.lines = fs.map(frag.textLine);
  state.lineSize = size;
  state.next = 0;
  status("#text-status", M().lines(state.lines.length));
  return state.lines;
}

async function onSaveText() {
  const lines = await textLines();
  if (lines) download(new Blob([lines.join("\n") + "\n"], { type: "text/plain" }), `${randomHex(4)}.txt`);
}

async function onCopyNext() {
  const lines = await textLines();
  if (!lines) return;
  const i = state.next;
  const line = lines[i];
  const box = $("[data-current-line]");
  box.value = line;
  try {
    await navigator.clipboard.writeText(line);
  } catch {
    box.select();
    document.execCommand?.("copy");
  }
  state.next = (i + 1) % lines.length;
  status("#text-status", state.next === 0 ? M().allCopied(lines.length) : M().copied(i + 1, lines.length));
}

function drawQr() {
  const f = state.qr[state.qrAt];
  const q = qrcode(0, "M");
  q.addData(String.fromCharCode(...f), "Byte");
  q.make();
  const n = q.getModuleCount();
  const border = 4;
  const scale = Math.max(2, Math.floor(720 / (n + 2 * border)));
  const canvas = $("[data-qr-frame]");
  canvas.width = canvas.height = (n + 2 * border) * scale;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#000";
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (q.isDark(r, c)) ctx.fillRect((c + border) * scale, (r + border) * scale, scale, scale);
  canvas.dataset.qrFrame = String(state.qrAt + 1);
  status("#qr-count", M().qrCount(state.qrAt + 1, state.qr.length));
}

function qrAdvance() {
  state.qrAt = (state.qrAt + 1) % state.qr.length;
  drawQr();
}

async function onShowQr() {
  if (state.sealed.blob.size > QR_CAP) return status("#qr-status", M().tooLargeFor(MB(QR_CAP)));
  if (!state.qr) state.qr = await frames(state.sealed.blob, frag.QR_BYTES);
  state.qrAt = 0;
  $("#qr").hidden = false;
  drawQr();
  clearInterval(state.timer);
  state.timer = setInterval(qrAdvance, 500);
}

function onQrPause() {
  if (state.timer) {
    clearInterval(state.timer);
    state.timer = null;
  } else if (state.qr) state.timer = setInterval(qrAdvance, 500);
}

function onQrNext() {
  if (!state.qr) return;
  clearInterval(state.timer);
  state.timer = null;
  qrAdvance();
}

// Resumable: each piece is asked for with HEAD first, so pressing again sends only what is missing.
async function onSend() {
  const m = M();
  const relays = $("[name=relays]").value.split(/\s+/).map((s) => s.trim().replace(/\/+$/, "")).filter(Boolean);
  if (!relays.length) return status("#send-status", m.noRelay);
  frag.initRaptorq(wasm);
  const t = frag.symbolSizeFor(frag.RELAY_FRAGMENT);
  const total = frag.frameCount(state.sealed.blob.size, t);
  let sent = 0;
  let had = 0;
  let n = -1;
  $("[data-action=send]").disabled = true;
  try {
    // one block's frames in memory at a time, however large the report
    for await (const frame of frag.split(state.sealed.blob, t)) {
      n++;
      const url = `${relays[n % relays.length]}/v1/fragments/${frag.frameId(frame)}`;
      status("#send-status", m.sending(n + 1, total));
      const head = await fetch(url, { method: "HEAD", cache: "no-store" });
      if (head.status === 200) {
        had++;
        continue;
      }
      for (let attempt = 0; ; attempt++) {
        const resp = await fetch(url, { method: "PUT", body: frame, headers: { "Content-Type": "application/octet-stream" } });
        if (resp.status === 200 || resp.status === 201) break;
        if ((resp.status === 429 || resp.status >= 500) && resp.status !== 507 && attempt < 5) {
          await new Promise((r) => setTimeout(r, 1000 * Math.min(Number(resp.headers.get("Retry-After")) || 1, 30)));
          continue;
        }
        throw new Error(`relay answered ${resp.status}`);
      }
      sent++;
    }
    status("#send-status", m.sentDone(sent, had));
  } catch (exc) {
    status("#send-status", exc instanceof TypeError ? m.unreachable : m.failed(exc.message));
  } finally {
    $("[data-action=send]").disabled = false;
  }
}

function onWipe() {
  clearInterval(state.timer);
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    /* storage may be disabled: then nothing was kept */
  }
  state = { sealed: null, lines: null, lineSize: null, next: 0, qr: null, qrAt: 0, timer: null };
  render();
  status("#wipe-status", M().wiped);
}

function bind() {
  $("#report").addEventListener("submit", (e) => e.preventDefault());
  const on = (action, fn) => $(`[data-action=${action}]`).addEventListener("click", fn);
  on("lang", () => {
    clearInterval(state.timer);
    state.timer = null;
    lang = lang === "fa" ? "en" : "fa";
    const keep = { testimony: $("[name=testimony]").value, when: $("[name=when]").value, place: $("[name=place]").value };
    const files = $("[name=attachments]").files;
    const sealed = state.sealed;
    render();
    for (const [k, v] of Object.entries(keep)) $(`[name=${k}]`).value = v;
    $("[name=attachments]").files = files;
    if (sealed) $("#out").hidden = false;
  });
  on("seal", onSeal);
  on("save-report", () => download(state.sealed.blob, state.sealed.name));
  on("save-text", onSaveText);
  on("copy-next", onCopyNext);
  on("show-qr", onShowQr);
  on("qr-next", onQrNext);
  on("qr-pause", onQrPause);
  on("send", onSend);
  on("wipe", onWipe);
  $("[name=when]").addEventListener("input", whenHint);
  $("[name=fragment-size]").addEventListener("change", () => (state.lines = null));
  $("[name=attachments]").addEventListener("change", () => {
    const files = Array.from($("[name=attachments]").files);
    $("#files").innerHTML = "";
    for (const f of files) {
      const li = document.createElement("li");
      li.textContent = `${f.name} (${Math.ceil(f.size / 1024)} KB)`;
      $("#files").append(li);
    }
    if (totalSize(files) > MAX_TOTAL) status("#seal-status", M().tooLarge(MB(MAX_TOTAL)));
    else status("#seal-status", "");
  });
}

// For the benchmark and tests: the page's own functions, no extra power (everything is in reach of
// whoever holds the page anyway).
function start() {
  check = checkKit(document);
  config = check.config || {};
  lang = config.lang === "en" ? "en" : "fa";
  window.roshanKit = { seal, frames, check, sealed: () => state.sealed?.blob ?? null };
  render();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
