/**
 * @module A download redirected to another scheme than http(s) (`file:///etc/passwd`) is refused at once with what
 * happened, not reported as fetch's "not implemented... yet..." and retried.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { downloadFile } from "./download-file.js";

const dir = mkdtempSync(join(tmpdir(), "avs-fetch-redirect-"));
let requests = 0;
const server = createServer((_req, res) => {
  requests++;
  res.writeHead(302, { location: "file:///etc/passwd" }).end();
});
await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => {
  server.close();
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
