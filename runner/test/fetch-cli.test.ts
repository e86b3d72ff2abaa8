/** @module `avs-runner models fetch` as a real process against a local Hugging Face-style server: JSON progress, exit codes. */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyEsrganModel } from "../src/testing/index.js";
import { type LocalHub, startLocalHub } from "./local-hub.js";

const BIN = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
const run = promisify(execFile);

describe("avs-runner models fetch", () => {
  let hub: LocalHub;
  let dir: string;
  const model = tinyEsrganModel(4);
  beforeAll(async () => {
    hub = await startLocalHub(
      {
        "org/upscaler": {
          private: true,
          revisions: { main: { "onnx/model.onnx": model, "README.md": Buffer.from("hi\n") } },
        },
      },
      "hf_cli",
    );
    dir = await mkdtemp(join(tmpdir(), "avs-fetch-cli-"));
  });
  afterAll(async () => {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    HF_ENDPOINT: hub.endpoint,
    MODEL_DIR: dir,
    ...extra,
  });

  it("prints its help, and the runner's help names it", async () => {
    const { stdout } = await run("node", [BIN, "models", "fetch", "--help"]);
    expect(stdout).toContain("Usage: avs-runner models fetch <repo> [flags]");
    expect(stdout).toContain("--include <pattern>…");
    expect((await run("node", [BIN, "--help"])).stdout).toContain(
      "avs-runner models fetch <repo> [--revision R] [--include pattern…] [--endpoint URL]",
    );
  }, 30_000);

  it("fetches with HF_TOKEN and HF_ENDPOINT, printing JSON progress lines when stdout is not a terminal", async () => {
    const { stdout } = await run("node", [BIN, "models", "fetch", "org/upscaler", "--include", "onnx/*", "*.md"], {
      env: env({ HF_TOKEN: "hf_cli" }),
    });
    const events = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual([
      "listed",
      "start",
      "progress",
      "file",
      "start",
      "progress",
      "file",
      "done",
    ]);
    expect(events[0]).toMatchObject({ repo: "org/upscaler", revision: "main", files: 2, bytes: model.length + 3 });
    expect(events.at(-1)).toMatchObject({
      model_id: "org/upscaler",
      pipeline: "upscale",
      path: join(dir, "org", "upscaler"),
    });
    expect(Buffer.compare(await readFile(join(dir, "org", "upscaler", "model.onnx")), model)).toBe(0);
    const list = await run("node", [BIN, "models", "list", "--model-dir", dir]);
    expect(list.stdout).toContain(`org/upscaler                     upscale    ${hub.endpoint}/org/upscaler`);
    const verify = await run("node", [BIN, "models", "verify", "org/upscaler", "--model-dir", dir]);
    expect(verify.stdout).toBe(
      `checking 2 files (${((model.length + 3) / 1000).toFixed(1)} kB) against the sha256 in avs-model.json\n` +
        "ok org/upscaler: upscale, inputs [input] → outputs [output], scale ×4; 2 files match avs-model.json\n",
    );
    await writeFile(join(dir, "org", "upscaler", "README.md"), "ho\n");
    await expect(run("node", [BIN, "models", "verify", "org/upscaler", "--model-dir", dir])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^avs-runner: 1 of 2 files of org\/upscaler differ from the sha256 avs-model.json records: README.md has sha256 [0-9a-f]{64}, recorded [0-9a-f]{64}\./,
      ),
    });
    const quick = await run("node", [BIN, "models", "verify", "org/upscaler", "--quick", "--model-dir", dir]);
    expect(quick.stdout).toBe(
      "ok org/upscaler: upscale, inputs [input] → outputs [output], scale ×4; files not hashed (--quick)\n",
    );
  }, 60_000);

  it("exits 1 with the reason on stderr and an error event on stdout", async () => {
    const failed = run("node", [BIN, "models", "fetch", "org/upscaler", "--model-dir", join(dir, "other")], {
      env: env(),
    });
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        "avs-runner: org/upscaler needs authentication (401: Repository not found); set HF_TOKEN",
      ),
      stdout: expect.stringContaining('{"event":"error","msg":"org/upscaler needs authentication'),
    });
    await expect(run("node", [BIN, "models", "fetch", "--revision"], { env: env() })).rejects.toMatchObject({
      stderr: expect.stringContaining("--revision needs a value"),
    });
    // An empty --model-dir= fetched into the current folder.
    const cwd = await mkdtemp(join(tmpdir(), "avs-fetch-cwd-"));
    try {
      const empty = run("node", [BIN, "models", "fetch", "org/upscaler", "--model-dir="], {
        env: env({ HF_TOKEN: "hf_cli" }),
        cwd,
      });
      await expect(empty).rejects.toMatchObject({ code: 1, stderr: "avs-runner: --model-dir needs a value\n" });
      expect(await readdir(cwd)).toEqual([]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 30_000);

  it("waits the Retry-After of a 429 before the next listing, reported on its line, and gives up at once past 300 s", async () => {
    hub.listingFailures.set("org/upscaler", [{ status: 429, retryAfter: "2" }]);
    const from = hub.requests.length;
    const { stdout } = await run("node", [BIN, "models", "fetch", "org/upscaler", "--model-id", "org/waited"], {
      env: env({ HF_TOKEN: "hf_cli" }),
    });
    const said = `${hub.endpoint} answered 429: Request refused for org/upscaler@main`;
    expect(stdout.split("\n")[0]).toBe(
      JSON.stringify({ event: "listing_retry", attempt: 1, error: said, wait_ms: 2000, retry_after_ms: 2000 }),
    );
    const listings = hub.requests.slice(from).filter((q) => q.url.startsWith("/api/models/"));
    expect(listings).toHaveLength(2);
    expect((listings[1]?.at ?? 0) - (listings[0]?.at ?? 0)).toBeGreaterThanOrEqual(2000);

    hub.listingFailures.set("org/upscaler", [{ status: 503, retryAfter: "86400" }]);
    const started = Date.now();
    const failed = run("node", [BIN, "models", "fetch", "org/upscaler", "--model-id", "org/refused"], {
      env: env({ HF_TOKEN: "hf_cli" }),
    });
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stderr:
        `avs-runner: ${hub.endpoint} answered 503: Request refused for org/upscaler@main; it asked to wait 86400 s ` +
        "(Retry-After), more than the 300 s a fetch waits for a retry, so try again later; gave up after 1 attempt; " +
        "nothing was fetched\n",
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(hub.listingFailures.get("org/upscaler")).toEqual([]);
  }, 30_000);

  it("takes the stall limit, the retries and the speed floor from flags, and refuses values that are no duration or rate", async () => {
    hub.listingFault.set("org/upscaler", "silent");
    try {
      const started = Date.now();
      const failed = run("node", [BIN, "models", "fetch", "org/upscaler", "--stall-timeout", "0.5", "--retries", "1"], {
        env: env({ HF_TOKEN: "hf_cli" }),
      });
      const said = `${hub.endpoint}/api/models/org/upscaler/revision/main?blobs=true: no answer within 0.5 s (the repository listing)`;
      await expect(failed).rejects.toMatchObject({
        code: 1,
        stderr: `avs-runner: ${said}; gave up after 2 attempts; nothing was fetched\n`,
        stdout: expect.stringContaining(
          `${JSON.stringify({ event: "listing_retry", attempt: 1, error: said, wait_ms: 1000, retry_after_ms: null })}\n`,
        ),
      });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      hub.listingFault.clear();
    }
    for (const [flag, value, message] of [
      ["--stall-timeout", "0", '--stall-timeout must be a number of seconds > 0 and ≤ 2147483, got "0"'],
      ["--min-speed-window", "1m", '--min-speed-window must be a number of seconds > 0 and ≤ 2147483, got "1m"'],
      ["--min-speed", "fast", '--min-speed must be a whole number of bytes a second ≥ 0, got "fast"'],
    ]) {
      await expect(
        run("node", [BIN, "models", "fetch", "org/upscaler", flag!, value!], { env: env() }),
      ).rejects.toMatchObject({
        code: 1,
        stderr: `avs-runner: ${message}\n`,
      });
    }
    expect((await run("node", [BIN, "models", "fetch", "--help"])).stdout).toContain(
      "--min-speed <B/s>        cut a body that averages less over --min-speed-window (default 10000; 0: no floor)",
    );
  }, 30_000);
});
