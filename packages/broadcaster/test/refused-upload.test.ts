/**
 * @module A body over the gateway's limit, refused from its headers while the client is still sending it, reaches a
 * Node fetch client (the SDK's transport) as its 413: undici reads no answer before its body is all out, so the
 * server must read on rather than close (server-kit's lingering close). It was `EPIPE` for every such upload.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BroadcasterProcess, startBroadcasterProcess } from "./support/broadcaster-process.js";

// A process of its own: a server in the test's own event loop reads in step with the client, and hides the race.
let t: BroadcasterProcess;
const dir = mkdtempSync(join(tmpdir(), "avs-refused-upload-"));
beforeAll(async () => {
  t = await startBroadcasterProcess([
    ...["--orchestrator", "http://127.0.0.1:9", "--max-upload-bytes", String(8 * 1024 * 1024)],
    ...["--output-dir", join(dir, "outputs")],
  ]);
});
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("an upload over the limit, refused while it is being sent", () => {
  it("is answered 413 with the limit, every time, and the gateway serves on", async () => {
    const image = new Blob([new Uint8Array(80 * 1024 * 1024)], { type: "image/png" });
    for (let i = 0; i < 3; i++) {
      const form = new FormData();
      form.set("model_id", "m");
      form.set("image", image, "big.png");
      const res = await fetch(`${t.url}/upscale`, { method: "POST", body: form });
      expect(res.status).toBe(413);
      expect((await res.json()).detail.msg).toMatch(/^request body is larger than the limit of 8388608 bytes/);
    }
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});
