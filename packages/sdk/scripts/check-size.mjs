#!/usr/bin/env node
/**
 * @module Size budget of the published bundle: the SDK's own ESM file, and what a browser app ships for it (the SDK
 * plus openapi-fetch, bundled and minified by esbuild for the browser), both gzipped. Also checks that the browser
 * bundle pulls in no Node built-ins. Exits 1 over budget. Run after `pnpm build`: `pnpm run check:size`.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Budgets in gzipped bytes (raised by 1.5 kB and 1 kB for asynchronous jobs: handles, event streams, SSE parser). */
// Each pipeline of the generated table adds about 0.25 kB gzipped (video-upscale and image-to-video did).
// Deadlines that end every wait of a call, whatever fetch does with the signal, took the own file 0.16 kB over 9 kB.
// Refusing bad input with an InvalidInputError before sending (paths, values, headers, webhooks) took it 0.43 kB more,
// and MalformedResponseError for a success status without a JSON body 0.32 kB more. Refusing a baseUrl that is not
// http(s) and a timeoutMs no timer can wait took the own file 0.1 kB and the browser bundle 0.02 kB over 10.1 and 9.5.
// Moving the event stream to internal/ and ending one that keeps answering other than text/event-stream: 0.15 kB more.
// Dropping and resuming a stalled event stream (eventStreamIdleMs): 0.16 kB and 0.11 kB more. Livepeer's asynchronous
// image-to-video flow (polling POST /image-to-video/result): 0.58 kB and 0.45 kB more. Messages from every error shape
// (go-livepeer's {"error": {"message"}}, malformed issue lists) and error bodies read up to 64 KiB: 0.19 and 0.14 kB.
// Refusing a download of something that is not a Media or URL (null, an object without url): 0.15 and 0.10 kB.
// eventStreamIdleMs over the wait for an event stream's headers (and an error body), each connection closed: 0.13
// and 0.08 kB. Null options taken as none by every method (checkSettings returns what it checked): 0.04 kB own.
// A download URL of a scheme fetch cannot get (file:, ftp:) refused, naming it: 0.05 and 0.05 kB. Success answers
// bounded by maxResponseBytes (Content-Length first, else counted while read; a MalformedResponseError): 0.27 and
// 0.18 kB. One event of a job's event stream bounded by it too: 0.09 and 0.07 kB. The event-stream parser in linear
// time (a line's pieces searched once each): 0.05 and 0.03 kB. download(media, { stream: true }), a web stream under
// an idle limit (the deadline's clock stopped while the caller holds a chunk): 0.12 and 0.08 kB.
// A stalled stream's TimeoutError told apart (its own message, `stalled`) and `stream` checked at run time: 0.14 and
// 0.09 kB. Found by exploratory testing: a resumed event stream that brings nothing for an ended job taken as its
// result, a null requestId or idempotencyKey refused (it went as "null"), a baseUrl with user:password@ refused, a
// signal that is not an AbortSignal refused before the call's timer starts, and a 200 that is an array or has no
// images array refused: 0.23 and 0.20 kB. A URL given as a file path refused as a URL (it read as a missing file), and
// a setting's string shown quoted (`got "100"`, not `got 100`): 0.04 and 0.04 kB. A requestId of "." or ".." refused
// as the gateway refuses it: 0.02 and 0.02 kB. A QA pass (changeset `sdk-qa-fixes`): results checked item by item
// and jobs' results as plain answers, a 202 or Prefer: respond-async refused by pipeline methods, the event stream's
// retry bounded, Livepeer's polls tolerant of 5xx bursts, broken data: URLs, a non-function fetch, a bad apiKey
// (unquoted) and NaN refused: 0.90 and 0.65 kB (12 923 → 13 842 and 11 533 → 12 202 bytes).
// A Livepeer result status other than processing or complete refused at once (it was polled for ever): 0.03 and
// 0.03 kB (13 842 → 13 874 and 12 202 → 12 231 bytes). An event stream's retry field taken as it is read, with no
// event after it too, and kept over connections (WHATWG's reconnection time): 0.04 and 0.01 kB (→ 13 918 and 12 246).
// Header names and values checked at the SDK's boundary (client, call, submit's), refused naming the header, the
// character and its index, never the value, which the platform's TypeError quoted: 0.30 and 0.22 kB (→ 14 227 and
// 12 468). No smaller form was found that still says what is wrong and what is allowed.
export const BUDGET = { own: 13.9 * 1024, browser: 12.18 * 1024 };

/** Gzipped sizes of the SDK's ESM file and of a minified browser bundle of it. */
export async function measure() {
  const own = readFileSync(join(ROOT, "dist/index.js"));
  const result = await build({
    entryPoints: [join(ROOT, "dist/index.js")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const browser = result.outputFiles[0].contents;
  const text = new TextDecoder().decode(browser);
  // A static import or require of a Node built-in would break (or bloat) every browser bundle.
  const nodeImports = text.match(/(?:from|require\(|import\()\s*["'](?:node:)?(?:fs|path|stream|buffer|os|util)["']/g);
  return {
    ownBytes: own.length,
    ownGzip: gzipSync(own, { level: 9 }).length,
    browserBytes: browser.length,
    browserGzip: gzipSync(browser, { level: 9 }).length,
    nodeImports: nodeImports ?? [],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const m = await measure();
  const kb = (n) => `${(n / 1024).toFixed(2)} kB`;
  console.log(`dist/index.js: ${kb(m.ownBytes)}, gzipped ${kb(m.ownGzip)} (budget ${kb(BUDGET.own)})`);
  console.log(
    `browser bundle (SDK + openapi-fetch, minified): ${kb(m.browserBytes)}, gzipped ${kb(m.browserGzip)} (budget ${kb(BUDGET.browser)})`,
  );
  const problems = [];
  if (m.ownGzip > BUDGET.own) problems.push(`dist/index.js is over budget by ${m.ownGzip - BUDGET.own} bytes`);
  if (m.browserGzip > BUDGET.browser)
    problems.push(`the browser bundle is over budget by ${m.browserGzip - BUDGET.browser} bytes`);
  if (m.nodeImports.length) problems.push(`the browser bundle imports Node built-ins: ${m.nodeImports.join(", ")}`);
  for (const p of problems) console.error(`size check: ${p}`);
  process.exit(problems.length ? 1 : 0);
}
