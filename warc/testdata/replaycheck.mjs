// Opens a WACZ in replayweb.page (headless Chromium) and prints the text of
// the page replayed for URL, for TestWACZReplay. Setup, once, outside the
// project (neither tool is committed):
//
//   cd $(mktemp -d) && npm install puppeteer-core@23 && npm pack replaywebpage@2.5.3 && tar xzf replaywebpage-2.5.3.tgz
//   SYNDEX_REPLAYWEB=$PWD go test -run TestWACZReplay -v ./warc/
//
// Usage: node replaycheck.mjs DIR FILE.wacz URL (DIR holds node_modules
// and package/ui.js, package/sw.js; CHROMIUM names the browser binary).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [dir, wacz, url] = process.argv.slice(2);
const require = createRequire(path.join(dir, "node_modules", "x.js"));
const puppeteer = require("puppeteer-core");
const assets = { "/ui.js": path.join(dir, "package", "ui.js"), "/replay/sw.js": path.join(dir, "package", "sw.js"), "/archive.wacz": wacz };

const server = http.createServer((req, res) => {
  const p = new URL(req.url, "http://x").pathname;
  if (p === "/") {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`<!doctype html><html><head><script src="/ui.js"></script></head><body>
<replay-web-page style="height:600px;width:100%;display:block" source="/archive.wacz" url="${url}" replayBase="/replay/" embed="replayonly"></replay-web-page></body></html>`);
    return;
  }
  const file = assets[p];
  if (!file) { res.writeHead(404); res.end(); return; }
  const size = fs.statSync(file).size;
  const type = file.endsWith(".js") ? "application/javascript" : "application/octet-stream";
  const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range || "");
  if (m) {
    const start = +m[1], end = m[2] ? Math.min(+m[2], size - 1) : size - 1;
    res.writeHead(206, { "Content-Type": type, "Accept-Ranges": "bytes", "Content-Range": `bytes ${start}-${end}/${size}`, "Content-Length": end - start + 1 });
    fs.createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { "Content-Type": type, "Accept-Ranges": "bytes", "Content-Length": size });
  if (req.method === "HEAD") res.end(); else fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || "chromium", headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage();
await page.goto(`http://localhost:${server.address().port}/`, { waitUntil: "load" });
let text = "";
for (let i = 0; i < 120 && !text; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  for (const f of page.frames()) {
    try {
      const t = await f.evaluate(() => (document.body ? document.body.innerText : ""));
      if (f.url().includes("mp_/") && t.trim()) text = t;
    } catch (e) {}
  }
}
console.log(text);
await browser.close();
server.close();
