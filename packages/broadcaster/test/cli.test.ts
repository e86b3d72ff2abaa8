/** @module The configuration (flags, env, config file, one name each) and the `avs-broadcaster` binary itself. */

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { HELP, parseConfig } from "../src/index.js";
import { resolveOptions } from "../src/options.js";

const dir = mkdtempSync(join(tmpdir(), "avs-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BIN = fileURLToPath(new URL("../bin/avs-broadcaster.mjs", import.meta.url));

describe("parseConfig", () => {
  it("takes flag over env over config file, one name per setting", () => {
    const file = join(dir, "config.json");
    writeFileSync(
      file,
      JSON.stringify({
        port: 1000,
        "max-attempts": 5,
        "rate-limit": 10,
        orchestrator: [{ url: "http://o1:8935", secret: "one" }, "http://o2:8935"],
      }),
    );
    const { options } = parseConfig(["--config", file, "--port", "0", "--body-limit", "/upscale=2048"], {
      AVS_BROADCASTER_PORT: "2000",
      AVS_BROADCASTER_MAX_ATTEMPTS: "4",
      AVS_BROADCASTER_API_KEY: "k1, k2",
    });
    expect(options).toMatchObject({
      port: 0,
      maxAttempts: 4,
      rateLimit: 10,
      apiKeys: ["k1", "k2"],
      bodyLimits: { "/upscale": 2048 },
      orchestrators: [{ url: "http://o1:8935", secret: "one" }, { url: "http://o2:8935" }],
    });
  });

  it("selects the S3 store when an endpoint is given, and names what is missing", () => {
    const s3 = ["--s3-endpoint", "http://127.0.0.1:9000", "--s3-bucket", "b", "--s3-access-key-id", "a"];
    expect(() => parseConfig(s3, {})).toThrow("s3-secret-access-key is required with s3-endpoint");
    expect(parseConfig([...s3, "--s3-secret-access-key", "s"], {}).options.outputs).toEqual({
      kind: "s3",
      endpoint: "http://127.0.0.1:9000",
      bucket: "b",
      region: "us-east-1",
      accessKeyId: "a",
      secretAccessKey: "s",
      prefix: undefined,
    });
  });

  it("reads the async-job settings, and keeps outputs beside the jobs in PostgreSQL unless told otherwise", () => {
    const pg = ["--jobs-db", "postgres://u@db:5432/avs", "--jobs-db-schema", "gw", "--jobs-lease-ms", "3000"];
    const { options } = parseConfig([...pg, "--webhook-attempts", "4"], { AVS_BROADCASTER_JOBS_CONCURRENCY: "8" });
    expect(options).toMatchObject({
      jobsDb: "postgres://u@db:5432/avs",
      jobsDbSchema: "gw",
      jobsLeaseMs: 3000,
      jobsConcurrency: 8,
      webhookAttempts: 4,
    });
    expect(resolveOptions(options).outputs).toEqual({ kind: "postgres" });
    expect(parseConfig([...pg, "--output-store", "local"], {}).options.outputs).toEqual({
      kind: "local",
      dir: "outputs",
    });
    expect(resolveOptions(parseConfig(["--jobs-db", "j.sqlite"], {}).options).outputs).toEqual({
      kind: "local",
      dir: "outputs",
    });
    expect(() => parseConfig(["--output-store", "disk"], {})).toThrow(
      'output-store must be local, s3 or postgres, got "disk"',
    );
    expect(() => parseConfig(["--output-store", "s3"], {})).toThrow("output-store s3 needs s3-endpoint");
    expect(() => parseConfig(["--output-store", "postgres", "--jobs-db", "j.sqlite"], {})).toThrow(
      "output-store postgres keeps outputs in the jobs-db database: set jobs-db to a postgres:// URL",
    );
    expect(() => parseConfig(["--jobs-db-schema", "Bad-Name"], {})).toThrow(
      'jobs-db-schema must be a lower-case SQL name (letters, digits, _; at most 41), got "Bad-Name"',
    );
    expect(() => parseConfig(["--jobs-concurrency", "0"], {})).toThrow(
      'jobs-concurrency must be a whole number ≥ 1, got "0"',
    );
    expect(() => parseConfig(["--jobs-lease-ms", "100"], {})).toThrow(
      'jobs-lease-ms must be a whole number ≥ 300, got "100"',
    );
    expect(HELP).toContain("--jobs-db / AVS_BROADCASTER_JOBS_DB");
    expect(parseConfig(["--jobs-start", "QUEUE"], {}).options.jobsStart).toBe("queue");
    expect(parseConfig([], { AVS_BROADCASTER_JOBS_START: "here" }).options.jobsStart).toBe("here");
    expect(() => parseConfig(["--jobs-start", "later"], {})).toThrow("jobs-start must be");
    expect(HELP).toMatch(/--jobs-start \/ AVS_BROADCASTER_JOBS_START[\s\S]*?default: here/);
  });

  it("rejects unknown and malformed settings with what is allowed", () => {
    expect(() => parseConfig(["--prot", "1"], {})).toThrow("unknown flag --prot (see --help)");
    expect(() => parseConfig(["--port", "x"], {})).toThrow('port must be a number ≥ 0, got "x"');
    expect(() => parseConfig(["--orchestrator", "o1:8935"], {})).toThrow(
      'orchestrator must be an http(s) URL, got "o1:8935"',
    );
    expect(() => parseConfig(["--body-limit", "upscale=1"], {})).toThrow("body-limit must look like /upscale=20971520");
  });

  it("documents every setting with its env var and default in --help", () => {
    expect(HELP).toContain("--orchestrator / AVS_BROADCASTER_ORCHESTRATOR");
    expect(HELP).toContain("--request-timeout-ms / AVS_BROADCASTER_REQUEST_TIMEOUT_MS");
    expect(HELP).not.toMatch(/[^_]BROADCASTER_REQUEST/);
    expect(HELP).toContain(
      "failed attempts per job across orchestrators (a busy answer, 503 or 429, is not one) (default: 3)",
    );
    expect(HELP).toContain("--shutdown-grace / AVS_BROADCASTER_SHUTDOWN_GRACE");
  });
});

describe("avs-broadcaster", () => {
  it("prints --help", async () => {
    const child = spawn(process.execPath, [BIN, "--help"]);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(0);
    expect(out).toMatch(/^avs-broadcaster — the AI Video Subnet public gateway/);
  });

  it("prints --version, the package's version", async () => {
    const child = spawn(process.execPath, [BIN, "--version"]);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    expect(await new Promise((r) => child.on("exit", r))).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(out.trim()).toBe(version);
  });

  it("exits 2 naming a bad setting", async () => {
    const child = spawn(process.execPath, [BIN, "--max-attempts", "-1"]);
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    expect(await new Promise((r) => child.on("exit", r))).toBe(2);
    expect(err).toContain("max-attempts must be a number ≥ 0");
  });

  it("listens, logs JSON with the port, serves, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "--port", "0", "--output-dir", join(dir, "out")], {
      env: { ...process.env, AVS_BROADCASTER_ORCHESTRATOR: "http://127.0.0.1:9" },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 15_000);
      child.stdout.on("data", () => {
        const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
        if (line) {
          clearTimeout(t);
          resolve(JSON.parse(line).port);
        }
      });
    });
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await res.json()).toEqual({ status: "OK" });
    child.kill("SIGTERM");
    expect(await new Promise((r) => child.on("exit", r))).toBe(0);
    expect(out).toContain('"msg":"stopping"');
  });
});
