/**
 * @module A download, or the repository listing, redirected to another scheme than http(s) (`file:///etc/passwd`,
 * `ftp://…`) is refused at once with what happened, not reported as fetch's "not implemented... yet..." and retried;
 * the listing still follows an http redirect. A redirect loop or a `Location` that is no URL fails at once too, and a
 * 404 from the server a listing was redirected to names that server, not the hub.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { downloadFile } from "./download-file.js";
import { hubRepoInfo } from "./hub-api.js";
import { DEFAULT_LIMITS } from "./watchdog.js";

const dir = mkdtempSync(join(tmpdir(), "avs-fetch-redirect-"));
let requests = 0;
const LISTING = `{"sha":"abc","siblings":[{"rfilename":"model.onnx","size":3,"lfs":{"sha256":"${"0".repeat(64)}"}}]}`;
const server = createServer((req, res) => {
  requests++;
  if (req.url?.startsWith("/api/models/org/ftp/")) res.writeHead(302, { location: "ftp://example.org/x" }).end();
  else if (req.url?.startsWith("/api/models/org/loop/")) res.writeHead(302, { location: req.url }).end();
  else if (req.url?.startsWith("/api/models/org/broken/")) res.writeHead(302, { location: "http://[::1" }).end();
  else if (req.url?.startsWith("/api/models/org/elsewhere/")) res.writeHead(302, { location: `${other}/gone` }).end();
  else if (req.url?.startsWith("/api/models/org/moved/")) res.writeHead(301, { location: "/listing" }).end();
  else if (req.url === "/listing") res.writeHead(200, { "content-type": "application/json" }).end(LISTING);
  else res.writeHead(302, { location: "file:///etc/passwd" }).end();
});
// Another server, a listing is redirected to: it has nothing.
const elsewhere = createServer((_req, res) =>
  res.writeHead(404, { "content-type": "text/plain" }).end("no such thing"),
);
await new Promise<void>((ok) => elsewhere.listen(0, "127.0.0.1", ok));
const other = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => {
  server.close();
  elsewhere.close();
  rmSync(dir, { recursive: true, force: true });
});

it("refuses a redirect to file:// at once, naming it, without retrying", async () => {
  const url = `${origin}/org/m/resolve/main/model.onnx`;
  const file = { path: "model.onnx", size: 4, sha256: "0".repeat(64), gitOid: undefined };
  const download = downloadFile(url, file, join(dir, "model.onnx"), {
    hub: { endpoint: origin },
    repo: "org/m",
    revision: "main",
    retries: 3,
    retryDelayMs: 10,
    stallMs: 5000,
  });
  await expect(download).rejects.toThrow(
    new RegExp(
      `^${url} redirected to file:…, a non-http\\(s\\) URL; models fetch follows only http and https redirects$`,
    ),
  );
  expect(requests).toBe(1);
});

it("refuses a listing redirected to file://, ftp://, in a loop or to no URL at once, naming why, without retrying", async () => {
  const nonHttp = (scheme: string) =>
    ` redirected to ${scheme}…, a non-http(s) URL; models fetch follows only http and https redirects`;
  for (const [repo, why, sent] of [
    ["org/file", nonHttp("file:"), 1],
    ["org/ftp", nonHttp("ftp://example.org"), 1],
    ["org/loop", ": more than 10 redirects (a loop?); nothing was fetched", 11],
    ["org/broken", ' redirected to "http://[::1", which is not a URL; nothing was fetched', 1],
  ] as const) {
    const before = requests;
    const listing = hubRepoInfo({ endpoint: origin }, repo, "main", {
      ...DEFAULT_LIMITS,
      retries: 3,
      retryDelayMs: 10,
    });
    const url = `${origin}/api/models/${repo}/revision/main?blobs=true`;
    await expect(listing).rejects.toThrow(`${url}${why}`);
    expect(requests - before).toBe(sent);
  }
});

it("follows a listing's http redirect", async () => {
  const info = await hubRepoInfo({ endpoint: origin }, "org/moved", "main", { ...DEFAULT_LIMITS, retries: 0 });
  expect(info.files.map((f) => [f.path, f.size])).toEqual([["model.onnx", 3]]);
  expect(info.commit).toBe("abc");
});

it("names the server a listing was redirected to when that one answers 404, not the hub", async () => {
  const listing = hubRepoInfo({ endpoint: origin }, "org/elsewhere", "main", { ...DEFAULT_LIMITS, retries: 0 });
  await expect(listing).rejects.toThrow(
    `the storage ${other} that ${origin} redirected the download of org/elsewhere to`,
  );
});
