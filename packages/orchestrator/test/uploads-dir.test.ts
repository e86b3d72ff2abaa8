/**
 * @module Where the orchestrator spools large uploads: by default a directory of its own made by `mkdtemp` (0700),
 * never the fixed `<tmpdir>/avs-orchestrator-uploads` a local user could have created first (here a symlink to a
 * directory that user reads), with its files 0600 while the upload is read, and removed on stop; a directory the
 * operator gives is used as it is and left in place. The temporary directory is a private one for the test (TMPDIR).
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HttpServer, listen, silentLogger } from "@ai-video-subnet/server-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrchestrator, type Orchestrator } from "../src/orchestrator.js";
import { TINY } from "./helpers.js";

const BOUNDARY = "uploads-dir-boundary";

/** Sends the first 8 MiB of a 12 MiB upload, waits for its spool file in `dir`, notes its mode and hangs up. */
async function spoolModes(url: string, dir: string): Promise<number[]> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="model_id"\r\n\r\n${TINY}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="in.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const length = head.length + 12 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/upscale`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": String(length) },
    });
    req.on("error", () => {});
    req.write(Buffer.concat([head, Buffer.alloc(8 * 1024 * 1024, 1)]), async () => {
      const until = Date.now() + 10_000;
      while (readdirSync(dir).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      try {
        resolve(readdirSync(dir).map((f) => statSync(join(dir, f)).mode & 0o777));
      } catch (err) {
        reject(err);
      } finally {
        req.destroy();
      }
    });
  });
}

async function serve(uploadsDir?: string): Promise<{ orch: Orchestrator; http: HttpServer }> {
  const orch = await createOrchestrator({
    models: [{ pipeline: "upscale", model_id: TINY, warm: false, capacity: 1 }],
    modelsDir: join(tmpdir(), "no-models"),
    log: silentLogger,
    ...(uploadsDir ? { uploadsDir } : {}),
  });
  // The app alone: the spooling happens in the validator, before any runner is asked for.
  return { orch, http: await listen(orch.app.fetch, { host: "127.0.0.1", port: 0 }) };
}

describe("the upload spool directory", () => {
  const previousTmp = process.env.TMPDIR;
  const tmp = mkdtempSync(join(tmpdir(), "avs-orch-tmp-"));
  const bait = mkdtempSync(join(tmpdir(), "avs-orch-bait-"));

  beforeAll(() => {
    process.env.TMPDIR = tmp;
    // Another local user got there first: the old fixed name points at a directory they can read.
    symlinkSync(bait, join(tmp, "avs-orchestrator-uploads"));
  });

  afterAll(() => {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    rmSync(tmp, { recursive: true, force: true });
    rmSync(bait, { recursive: true, force: true });
  });

  it("is by default a new private directory, not a name someone created first, removed on stop", async () => {
    const { orch, http: server } = await serve();
    try {
      expect(orch.uploadsDir.startsWith(join(tmp, "avs-orchestrator-uploads-"))).toBe(true);
      const dir = lstatSync(orch.uploadsDir);
      expect(dir.isDirectory()).toBe(true);
      expect(dir.mode & 0o777).toBe(0o700);
      expect(dir.uid).toBe(process.getuid?.());
      const modes = await spoolModes(server.url, orch.uploadsDir);
      expect(modes.length).toBeGreaterThan(0);
      expect(new Set(modes)).toEqual(new Set([0o600]));
      expect(readdirSync(bait)).toEqual([]);
    } finally {
      await server.stop(1000);
      await orch.stop();
    }
    expect(() => lstatSync(orch.uploadsDir)).toThrow(/ENOENT/);
  }, 30_000);

  it("uses a directory the operator gives as it is, with 0600 files, and leaves it in place", async () => {
    const given = join(tmp, "given");
    mkdirSync(given, { mode: 0o750 });
    const { orch, http: server } = await serve(given);
    try {
      expect(orch.uploadsDir).toBe(given);
      expect(new Set(await spoolModes(server.url, given))).toEqual(new Set([0o600]));
    } finally {
      await server.stop(1000);
      await orch.stop();
    }
    expect(statSync(given).mode & 0o777).toBe(0o750);
  }, 30_000);
});
