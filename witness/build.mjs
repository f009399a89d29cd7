// Builds the kit's template: one HTML file, every script, style and the RaptorQ WebAssembly
// inside it, written to src/roshan/witness/kit-template.html. Byte for byte reproducible from
// package-lock.json (`npm ci && npm run build`); `roshan witness-kit` fills in the archive's keys
// and signs it. The skeleton below is also in src/roshan/witness/kit.py: a test keeps them equal.
import { build } from "esbuild";
import { readFileSync, writeFileSync, renameSync } from "node:fs";

const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; " +
  "img-src data: blob:; connect-src http: https:; base-uri 'none'; form-action 'none'";

export function skeleton({ title, style, config, code }) {
  return (
    "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n` +
    `<title>${title}</title>\n<style>${style}</style>\n</head>\n<body>\n` +
    `<script type="application/json" id="kit-config">${config}</script>\n` +
    `<script id="kit-code">${code}</script>\n</body>\n</html>\n`
  );
}

const result = await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  format: "iife",
  minify: true,
  charset: "ascii",
  target: ["es2022"],
  loader: { ".wasm": "binary" },
  legalComments: "eof",
  write: false,
  logLevel: "warning",
  define: { "import.meta.url": '"about:blank"' },
});
const code = result.outputFiles[0].text.trimEnd();
const style = readFileSync("src/kit.css", "utf8").trim().replace(/\n/g, "");
for (const [what, text] of [["code", code], ["style", style]]) {
  if (/<\/(script|style)/i.test(text) || /<!--/.test(text) || /[\r\0]/.test(text)) {
    throw new Error(`the ${what} holds text that would end its element early`);
  }
}
const html = skeleton({ title: "", style, config: "{}", code });
const out = "../src/roshan/witness/kit-template.html";
writeFileSync(out + ".tmp", html);
renameSync(out + ".tmp", out);
console.log(`${out}: ${Buffer.byteLength(html)} bytes`);
