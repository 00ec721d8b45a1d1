// Generates the interoperability fixtures of package warc with third-party
// writers. Run once, by hand, and commit the outputs (not the tools):
//
//   cd $(mktemp -d) && npm install warcio@2.4.11 @harvard-lil/js-wacz@0.1.6
//   cp /path/to/warc/testdata/gen-fixtures.mjs . && node gen-fixtures.mjs /path/to/warc/testdata
//   npx js-wacz create -f /path/to/warc/testdata/warcio.warc.gz \
//       -o /path/to/warc/testdata/jswacz.wacz --log-level warn
//
// warcio.warc.gz is written by warcio.js (one gzip member per record); the
// expectations in reader_test.go follow the records listed below.
import { WARCRecord, WARCSerializer } from "warcio";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const out = process.argv[2] || ".";
const enc = new TextEncoder();

function page(title, paras, extraHead = "") {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title} | Wire Example</title>
<meta property="og:title" content="${title}">
<meta property="article:published_time" content="2023-03-14T08:00:00Z">${extraHead}
</head><body>
<nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<article><h1>${title}</h1><p class="byline">By Dana Reyes</p>
${paras.map((p) => `<p>${p}</p>`).join("\n")}
</article><footer>Copyright Wire Example</footer></body></html>
`;
}

const flood = page("River flooding forces evacuations downstream", [
  "Residents of three towns along the lower river were told to leave their homes on Tuesday night after the water rose faster than forecasters had expected.",
  "The regional emergency office said about four thousand people had registered at shelters set up in schools and sports halls, and that buses would run through the night.",
  "Engineers inspected the old levee near the rail bridge twice during the evening and reported seepage at two places, which crews filled with sandbags before midnight.",
  "The river is expected to crest on Thursday morning, two days earlier than the last major flood a decade ago, according to the hydrology service.",
]);
const budget = page("Council approves budget after late-night session", [
  "The city council approved next year's budget shortly after one in the morning, ending a session that began with more than sixty residents signing up to speak.",
  "The plan raises spending on road repairs by a fifth and funds two new branch libraries, paid for in part by a small increase in the parking levy downtown.",
  "Opponents argued that the parking levy would hurt shop owners who are still recovering, while supporters said the repairs could not wait another winter.",
  "The mayor is expected to sign the budget within the week; it takes effect on the first of July.",
]);
const sniffed = page("Harbour ferry returns after engine refit", [
  "The harbour ferry returned to service on Monday after a refit that replaced both engines and the worn passenger ramps at the north pier.",
  "Operators said the crossing would now take eleven minutes instead of fourteen, and that the first sailing would leave at six in the morning on weekdays.",
  "Commuters who had relied on the replacement bus service for three months welcomed the return, though several complained about the new fare table.",
]);
const resource = page("Library extends opening hours for exam season", [
  "The central library will stay open until midnight for the next four weeks, the city's cultural department announced, to give students a quiet place to study.",
  "Extra staff will be hired from the temporary pool, and the café on the ground floor will keep serving hot drinks until eleven in the evening.",
  "The department said it would look at the attendance figures before deciding whether to keep the longer hours during the summer months.",
]);
const latin1Text = page("Caf\u00e9 owners protest new terrace rules", [
  "Owners of caf\u00e9s in the old town protested on Wednesday against rules that would limit terrace seating to half of the pavement's width.",
  "The association representing the caf\u00e9s said that the measure would cost each business about a fifth of its summer revenue, and asked for a r\u00e9vision before June.",
  "City officials replied that pedestrians with prams and wheelchairs had complained for years, and that a compromise would be presented at the next hearing.",
], "").replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">');

function latin1(s) {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

function chunked(body) {
  // Two chunks, as a server streaming the response would send them.
  const half = Math.floor(body.length / 2);
  const parts = [body.slice(0, half), body.slice(half)];
  const bufs = [];
  for (const p of parts) {
    bufs.push(enc.encode(p.length.toString(16) + "\r\n"), p, enc.encode("\r\n"));
  }
  bufs.push(enc.encode("0\r\n\r\n"));
  return Buffer.concat(bufs);
}

async function* one(b) { yield b; }

const records = [];
const push = async (opts, body) => {
  const r = await WARCRecord.create({ warcVersion: "WARC/1.1", ...opts }, one(body ?? new Uint8Array()));
  records.push(await WARCSerializer.serialize(r, { gzip: true }));
};

const info = await WARCRecord.createWARCInfo({ filename: "warcio.warc.gz", warcVersion: "WARC/1.1" },
  { software: "warcio.js 2.4.11", description: "syndex interoperability fixture" });
records.push(await WARCSerializer.serialize(info, { gzip: true }));

// 1: request + response, plain HTML (article)
await push({ url: "http://wire.example/news/river-flood", type: "request", date: "2023-03-14T09:00:00Z",
  statusline: "GET /news/river-flood HTTP/1.1", httpHeaders: { Host: "wire.example" } });
await push({ url: "http://wire.example/news/river-flood", type: "response", date: "2023-03-14T09:00:01Z",
  statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "text/html; charset=utf-8" } }, enc.encode(flood));
// 2: chunked transfer coding over gzip content coding (article)
await push({ url: "http://wire.example/news/council-budget", type: "response", date: "2023-03-14T09:05:00Z",
  statusline: "HTTP/1.1 200 OK",
  httpHeaders: { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip", "Transfer-Encoding": "chunked" } },
  chunked(zlib.gzipSync(enc.encode(budget))));
// 3: revisit of the flood page's payload under another URL (article, resolved against 1)
await push({ url: "https://mirror.example/2023/river-flood", type: "revisit", date: "2023-03-15T10:00:00Z",
  statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "text/html; charset=utf-8" },
  refersToUrl: "http://wire.example/news/river-flood", refersToDate: "2023-03-14T09:00:01Z",
  warcHeaders: { "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    "WARC-Payload-Digest": "PAYLOAD-OF-RECORD-1" } });
// 4: an image (skipped: not HTML)
await push({ url: "http://wire.example/img/flood.png", type: "response", date: "2023-03-14T09:00:02Z",
  statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "image/png" } },
  Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
// 5: a 404 page (skipped: not a 2xx capture)
await push({ url: "http://wire.example/news/missing", type: "response", date: "2023-03-14T09:00:03Z",
  statusline: "HTTP/1.1 404 Not Found", httpHeaders: { "Content-Type": "text/html" } },
  enc.encode("<html><body><h1>Not found</h1></body></html>"));
// 6: a redirect (skipped)
await push({ url: "http://wire.example/flood", type: "response", date: "2023-03-14T09:00:04Z",
  statusline: "HTTP/1.1 301 Moved Permanently", httpHeaders: { Location: "http://wire.example/news/river-flood" } });
// 7: HTML without a Content-Type header (article, found by sniffing)
await push({ url: "http://wire.example/news/harbour-ferry", type: "response", date: "2023-03-14T09:10:00Z",
  statusline: "HTTP/1.1 200 OK", httpHeaders: { Server: "old-server" } }, enc.encode(sniffed));
// 8: a resource record holding HTML (article)
await push({ url: "http://wire.example/news/library-hours", type: "resource", date: "2023-03-14T09:20:00Z",
  warcHeaders: { "Content-Type": "text/html; charset=utf-8" } }, enc.encode(resource));
// 9: a metadata record (skipped)
await push({ url: "http://wire.example/news/river-flood", type: "metadata", date: "2023-03-14T09:00:01Z",
  warcHeaders: { "Content-Type": "application/warc-fields" } }, enc.encode("outlinks: http://wire.example/news/\r\n"));
// 10: ISO-8859-1 page (article; accents decoded)
await push({ url: "http://wire.example/news/cafe-terraces", type: "response", date: "2023-03-14T09:30:00Z",
  statusline: "HTTP/1.1 200 OK", httpHeaders: { "Content-Type": "text/html; charset=iso-8859-1" } }, latin1(latin1Text));

// The revisit must name the original's payload digest: warcio computes
// digests on serialising, so patch the placeholder with record 1's digest.
const gunzip = (b) => zlib.gunzipSync(Buffer.from(b)).toString("latin1");
const resp1 = gunzip(records[2]);
const digest = /WARC-Payload-Digest: (\S+)/.exec(resp1)[1];
const rv = gunzip(records[4]).replace("PAYLOAD-OF-RECORD-1", digest);
records[4] = zlib.gzipSync(Buffer.from(rv, "latin1"));

fs.writeFileSync(path.join(out, "warcio.warc.gz"), Buffer.concat(records.map((r) => Buffer.from(r))));
console.log("wrote", path.join(out, "warcio.warc.gz"), records.length, "records; revisit digest", digest);

// ARC files, composed by hand (no maintained library writes ARC any more):
// handmade.arc.gz is ARC version 1 (Alexa/Heritrix 1 layout), one gzip
// member per record as those crawlers wrote it; handmade-v2.arc is version
// 2 (with result code, checksum, location, offset and filename), not
// compressed.
function arcRecord(fields, body) {
  const b = typeof body === "string" ? Buffer.from(body, "latin1") : Buffer.from(body);
  return Buffer.concat([Buffer.from(fields.join(" ") + " " + b.length + "\n", "latin1"), b, Buffer.from("\n")]);
}
function httpMsg(status, headers, body) {
  return Buffer.concat([Buffer.from(status + "\r\n" + headers.map((h) => h + "\r\n").join("") + "\r\n", "latin1"),
    typeof body === "string" ? Buffer.from(body, "latin1") : Buffer.from(body)]);
}
const oldPage = (title, paras) => `<html><head><title>${title}</title>
<meta name="date" content="2008-04-30">
</head><body bgcolor="#ffffff"><table><tr><td><a href="/">Ledger front page</a></td></tr></table>
<div class="story"><h2>${title}</h2><p><i>By Marta Olsen, Staff Writer</i></p>
${paras.map((p) => `<p>${p}</p>`).join("\n")}
</div><p>&copy; 2008 Harbor Ledger</p></body></html>
`;
const arcArticle = oldPage("Shipyard wins contract for two research vessels", [
  "The Harbor Street shipyard has won a contract to build two research vessels for the state university, the first new hulls ordered at the yard in six years.",
  "Managers said the work would keep about three hundred welders and fitters employed until the end of 2010 and would require hiring apprentices this summer.",
  "The vessels will carry laboratories for ocean chemistry and a crane able to lift instruments of up to twelve tonnes from the deck into the water.",
  "Union representatives welcomed the order but said the yard still needed a long-term plan for the dry dock, which has not been repaired since 1994.",
]);
const arcArticle2 = oldPage("Bridge tolls to rise in September", [
  "Tolls on the harbor bridge will rise by twenty-five cents in September, the bridge authority decided at its monthly meeting on Tuesday afternoon.",
  "The authority said the increase would pay for repainting the steel spans, which inspectors found rusting at several joints during last year's survey.",
  "Commuters with monthly passes will see a smaller increase, and the overnight discount for lorries will stay as it is until the end of the year.",
]);
const v1Header = "1 0 Alexa Internet\nURL IP-address Archive-date Content-type Archive-length\n";
const arc1 = [
  arcRecord(["filedesc://handmade.arc", "0.0.0.0", "20080430204825", "text/plain"], v1Header),
  arcRecord(["dns:ledger.example", "192.0.2.1", "20080430204826", "text/dns"], "20080430204826\nledger.example.\t3600\tIN\tA\t192.0.2.10\n"),
  arcRecord(["http://ledger.example/2008/04/30/shipyard.html", "192.0.2.10", "20080430204827", "text/html"],
    httpMsg("HTTP/1.0 200 OK", ["Date: Wed, 30 Apr 2008 20:48:27 GMT", "Server: Apache/1.3.41", "Content-Type: text/html"], arcArticle)),
  arcRecord(["http://ledger.example/images/logo.gif", "192.0.2.10", "20080430204828", "image/gif"],
    httpMsg("HTTP/1.0 200 OK", ["Content-Type: image/gif"], "GIF89a\x01\x00\x01\x00\x00\x00\x00;")),
  arcRecord(["http://ledger.example/2008/04/30/tolls.html", "192.0.2.10", "20080430204829", "text/html"],
    httpMsg("HTTP/1.1 200 OK", ["Content-Type: text/html; charset=ISO-8859-1", "Connection: close"], arcArticle2)),
];
fs.writeFileSync(path.join(out, "handmade.arc.gz"), Buffer.concat(arc1.map((r) => zlib.gzipSync(r))));
const v2Header = "2 0 Harbor Archive\nURL IP-address Archive-date Content-type Result-code Checksum Location Offset Filename Archive-length\n";
const v2body = httpMsg("HTTP/1.1 200 OK", ["Content-Type: text/html"], arcArticle2);
const arc2 = [
  arcRecord(["filedesc://handmade-v2.arc", "0.0.0.0", "20080501000000", "text/plain", "200", "-", "-", "0", "handmade-v2.arc"], v2Header),
  arcRecord(["http://ledger.example/2008/04/30/tolls.html", "192.0.2.10", "20080501000001", "text/html", "200", "4KXBGV3ZDQ2SUNOEXAMPLE", "-", "0", "handmade-v2.arc"], v2body),
];
fs.writeFileSync(path.join(out, "handmade-v2.arc"), Buffer.concat(arc2));
console.log("wrote ARC fixtures");

// ccnews-like.warc.gz: WARC/1.0 as Common Crawl's news crawler writes it:
// request, response and metadata records; the body stored decoded with the
// original coding kept under X-Crawler-* headers; one response cut at the
// crawler's size limit (WARC-Truncated).
{
  const recs = [];
  const add = async (opts, body) => {
    const r = await WARCRecord.create({ warcVersion: "WARC/1.0", ...opts }, one(body ?? new Uint8Array()));
    recs.push(await WARCSerializer.serialize(r, { gzip: true }));
  };
  const wi = await WARCRecord.createWARCInfo({ filename: "ccnews-like.warc.gz", warcVersion: "WARC/1.0" },
    { software: "warcio.js 2.4.11 (CC-NEWS layout)", format: "WARC File Format 1.0", isPartOf: "CC-NEWS" });
  recs.push(await WARCSerializer.serialize(wi, { gzip: true }));
  const u1 = "https://www.coastwire.example/2024/01/02/port-strike-ends";
  const p1 = page("Port strike ends after nine days", [
    "Dock workers at the container port voted on Monday to end a nine-day strike after the operator agreed to hire two hundred permanent staff.",
    "Shipping lines had diverted more than forty vessels to other ports during the stoppage, and importers warned of empty shelves before the holidays.",
    "The agreement also sets up a joint safety committee, which the union had demanded since a crane accident in the spring.",
  ]);
  await add({ url: u1, type: "request", date: "2024-01-02T10:00:00Z", statusline: "GET /2024/01/02/port-strike-ends HTTP/1.1",
    httpHeaders: { Host: "www.coastwire.example", "Accept-Encoding": "gzip" } });
  await add({ url: u1, type: "response", date: "2024-01-02T10:00:00Z", statusline: "HTTP/1.1 200 OK",
    httpHeaders: { "Content-Type": "text/html; charset=UTF-8", "X-Crawler-Content-Encoding": "gzip", "X-Crawler-Content-Length": "1234", "Content-Length": String(enc.encode(p1).length) },
    warcHeaders: { "WARC-IP-Address": "198.51.100.7", "WARC-Identified-Payload-Type": "text/html" } }, enc.encode(p1));
  await add({ url: u1, type: "metadata", date: "2024-01-02T10:00:00Z", warcHeaders: { "Content-Type": "application/warc-fields" } },
    enc.encode("fetchTimeMs: 412\r\n"));
  const u2 = "https://www.coastwire.example/2024/01/02/ferry-timetable";
  const p2 = page("Winter ferry timetable starts on Friday", [
    "The winter timetable for the island ferries starts on Friday, with two fewer crossings on weekdays and a later first sailing on Sundays.",
    "The operator said the changes follow the usual drop in passengers after the new year and will be reversed at the end of March.",
    "Islanders who commute to the mainland asked for the early weekday crossing to be kept, and the council will raise it at the next meeting.",
  ]);
  const cut = enc.encode(p2).slice(0, 900); // the crawler's limit
  await add({ url: u2, type: "response", date: "2024-01-02T10:05:00Z", statusline: "HTTP/1.1 200 OK",
    httpHeaders: { "Content-Type": "text/html; charset=UTF-8" }, warcHeaders: { "WARC-Truncated": "length" } }, cut);
  fs.writeFileSync(path.join(out, "ccnews-like.warc.gz"), Buffer.concat(recs.map((r) => Buffer.from(r))));
  console.log("wrote ccnews-like.warc.gz");
}
