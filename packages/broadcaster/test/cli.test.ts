/** @module The configuration (flags, env, config file, one name each) and the `avs-broadcaster` binary itself. */

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { HELP, parseConfig } from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { textToImage } from "./support/broadcaster.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { testSchema } from "./support/postgres.js";

const dir = mkdtempSync(join(tmpdir(), "avs-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BIN = fileURLToPath(new URL("../bin/avs-broadcaster.mjs", import.meta.url));

/**
 * Starts `avs-broadcaster` with `args` and resolves once it logs that it listens: its URL, that line, its log lines
 * so far, and `stop()` (SIGTERM; resolves with the exit code).
 */
async function startBin(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", r));
  const lines = () =>
    out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 15_000);
    child.stdout.on("data", () => {
      const line = lines().find((l) => l.msg === "listening");
      if (line) {
        clearTimeout(t);
        resolve(line);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${listening.port}`,
    listening,
    lines,
    out: () => out,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

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
    // A directory named is where outputs go, over the PostgreSQL default (warned about at start, see below);
    // output-store, and then s3-endpoint, win over it.
    expect(parseConfig([...pg, "--output-dir", "x"], {}).options.outputs).toEqual({ kind: "local", dir: "x" });
    expect(parseConfig([...pg, "--output-dir", "x", "--output-store", "postgres"], {}).options.outputs).toEqual({
      kind: "postgres",
    });
    expect(HELP).toMatch(
      /--output-store[\s\S]*?wins over s3-endpoint and output-dir \(default: s3 with s3-endpoint, else local with output-dir, else postgres with a postgres:\/\/ jobs-db, else local\)/,
    );
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
    // Any value was a SQLite path: redis://… started on a file of that name, apart from the other broadcasters.
    for (const db of ["redis://127.0.0.1:6379", "pg://db/avs", "http://db"]) {
      expect(() => parseConfig(["--jobs-db", db], {})).toThrow(
        `jobs-db must be a postgres:// (or postgresql://) URL or a SQLite file path, got a ${db.split(":")[0]}:// URL`,
      );
    }
    expect(parseConfig(["--jobs-db", "POSTGRES://u@db/avs"], {}).options.jobsDb).toBe("POSTGRES://u@db/avs");
    expect(resolveOptions(parseConfig(["--jobs-db", "PostgreSQL://db/avs"], {}).options).outputs).toEqual({
      kind: "postgres",
    });
    expect(() => parseConfig(["--jobs-db-schema", "Bad-Name"], {})).toThrow(
      'jobs-db-schema must be a lower-case SQL name (letters, digits, _; at most 41), got "Bad-Name"',
    );
    expect(() => parseConfig(["--jobs-concurrency", "0"], {})).toThrow(
      'jobs-concurrency must be a whole number from 1 to 9007199254740991, got "0"',
    );
    expect(() => parseConfig(["--jobs-lease-ms", "100"], {})).toThrow(
      'jobs-lease-ms must be a whole number from 300 to 2147483647 ms, got "100"',
    );
    expect(() => parseConfig(["--webhook-timeout-ms", "0"], {})).toThrow(
      'webhook-timeout-ms must be a number from 1 to 2147483647 ms, got "0"',
    );
    expect(HELP).toContain("--jobs-db / AVS_BROADCASTER_JOBS_DB");
    expect(parseConfig(["--jobs-start", "QUEUE"], {}).options.jobsStart).toBe("queue");
    expect(parseConfig([], { AVS_BROADCASTER_JOBS_START: "here" }).options.jobsStart).toBe("here");
    expect(() => parseConfig(["--jobs-start", "later"], {})).toThrow("jobs-start must be");
    expect(HELP).toMatch(/--jobs-start \/ AVS_BROADCASTER_JOBS_START[\s\S]*?default: here/);
  });

  it("rejects unknown and malformed settings with what is allowed", () => {
    expect(() => parseConfig(["--prot", "1"], {})).toThrow("unknown flag --prot (see --help)");
    expect(() => parseConfig(["--port", "x"], {})).toThrow('port must be a whole number from 0 to 65535, got "x"');
    expect(() => parseConfig(["--orchestrator", "o1:8935"], {})).toThrow(
      'orchestrator must be an http(s) URL, got "o1:8935"',
    );
    expect(() => parseConfig(["--body-limit", "upscale=1"], {})).toThrow("body-limit must look like /upscale=20971520");
  });

  it("refuses values that would break the gateway later, naming the setting, the value and what is allowed", () => {
    const refused: Array<[string[], string]> = [
      [["--max-attempts", "1.5"], 'max-attempts must be a whole number from 1 to 9007199254740991, got "1.5"'],
      [["--max-attempts", "0"], 'max-attempts must be a whole number from 1 to 9007199254740991, got "0"'],
      [["--port", "1.5"], 'port must be a whole number from 0 to 65535, got "1.5"'],
      [["--port", "70000"], 'port must be a whole number from 0 to 65535, got "70000"'],
      [["--port="], "--port needs a value"],
      [["--request-timeout-ms", "0"], 'request-timeout-ms must be a number from 1 to 2147483647 ms, got "0"'],
      [["--request-timeout-ms", "1e20"], 'request-timeout-ms must be a number from 1 to 2147483647 ms, got "1e20"'],
      [["--info-interval-ms", "0"], 'info-interval-ms must be a number from 1 to 2147483647 ms, got "0"'],
      [["--discovery-interval-ms", "0"], 'discovery-interval-ms must be a number from 1 to 2147483647 ms, got "0"'],
      [["--max-json-bytes", "0"], 'max-json-bytes must be a whole number from 1 to 9007199254740991, got "0"'],
      [["--max-upload-bytes", "1.5"], 'max-upload-bytes must be a whole number from 1 to 9007199254740991, got "1.5"'],
      [
        ["--shutdown-grace", "99999999999999999999"],
        'shutdown-grace must be a number from 0 to 2147483 s, got "99999999999999999999"',
      ],
      [["--receive-timeout", "1e20"], 'receive-timeout must be a number from 1 to 2147483 s, got "1e20"'],
      [["--output-retention-ms", "0"], 'output-retention-ms must be a number from 1000 to 3155760000000 ms, got "0"'],
      [["--job-retention-ms", "10"], 'job-retention-ms must be a number from 1000 to 3155760000000 ms, got "10"'],
      // 2^53−1 ms before now is no Date: every sweep failed. At most 100 years.
      [
        ["--output-retention-ms", "9007199254740991"],
        'output-retention-ms must be a number from 1000 to 3155760000000 ms, got "9007199254740991"',
      ],
      [
        ["--job-retention-ms", "3155760000001"],
        'job-retention-ms must be a number from 1000 to 3155760000000 ms, got "3155760000001"',
      ],
      [["--keep-alive-timeout", "0"], 'keep-alive-timeout must be a number from 0.1 to 2147483 s, got "0"'],
      [["--pixels-per-unit", "0"], 'pixels-per-unit must be a number from 1 to 9007199254740991, got "0"'],
      [["--public-url", "notaurl"], 'public-url must be an absolute http(s) URL, got "notaurl"'],
      [["--discovery-url", "notaurl"], 'discovery-url must be an absolute http(s) URL, got "notaurl"'],
    ];
    for (const [argv, message] of refused) expect(() => parseConfig(argv, {}), argv.join(" ")).toThrow(message);
    const { options } = parseConfig(
      ["--max-attempts", "2", "--port", "65535", "--retry-budget-ms", "0", "--discovery-url", "http://d.example/o"],
      {},
    );
    expect(options).toMatchObject({
      maxAttempts: 2,
      port: 65535,
      retryBudgetMs: 0,
      discoveryUrl: "http://d.example/o",
    });
  });

  it("refuses a config-file value of the wrong JSON type", () => {
    const file = (value: unknown) => {
      const path = join(mkdtempSync(join(dir, "config-")), "config.json");
      writeFileSync(path, JSON.stringify(value));
      return path;
    };
    const array = file({ "max-attempts": [3] });
    expect(() => parseConfig(["--config", array], {})).toThrow(
      `max-attempts in the file ${array} must be a JSON number (or a string of one), got [3]`,
    );
    const text = file({ port: true });
    expect(() => parseConfig(["--config", text], {})).toThrow(
      `port in the file ${text} must be a JSON number (or a string of one), got true`,
    );
  });

  it("reads default-model from flags (repeated), env (comma-separated) and the config file, over Livepeer's", () => {
    const file = join(dir, "models.json");
    writeFileSync(file, JSON.stringify({ "default-model": ["video-upscale=tiny/esrgan-x4"] }));
    const flags = ["--default-model", "upscale=tiny/esrgan-x4", "--default-model", "image-to-video="];
    const fromFlags = parseConfig(["--config", file, ...flags], {}).options;
    expect(fromFlags.defaultModels).toEqual({ upscale: "tiny/esrgan-x4", "image-to-video": "" });
    expect(resolveOptions(fromFlags).defaultModels).toEqual({
      "text-to-image": "stabilityai/sdxl-turbo",
      "image-to-image": "stabilityai/sdxl-turbo",
      upscale: "tiny/esrgan-x4",
    });
    const env = { AVS_BROADCASTER_DEFAULT_MODEL: "text-to-image=tiny/sd-turbo, frame-interpolation=tiny/film" };
    expect(parseConfig(["--config", file], env).options.defaultModels).toEqual({
      "text-to-image": "tiny/sd-turbo",
      "frame-interpolation": "tiny/film",
    });
    expect(parseConfig(["--config", file], {}).options.defaultModels).toEqual({ "video-upscale": "tiny/esrgan-x4" });
    expect(resolveOptions({}).defaultModels).toEqual({
      "text-to-image": "stabilityai/sdxl-turbo",
      "image-to-image": "stabilityai/sdxl-turbo",
      "image-to-video": "stabilityai/stable-video-diffusion-img2vid-xt",
      upscale: "stabilityai/stable-diffusion-x4-upscaler",
    });
    expect(HELP).toMatch(
      /--default-model \/ AVS_BROADCASTER_DEFAULT_MODEL[\s\S]*?\(default: text-to-image=stabilityai\/sdxl-turbo, image-to-image=stabilityai\/sdxl-turbo, image-to-video=stabilityai\/stable-video-diffusion-img2vid-xt, upscale=stabilityai\/stable-diffusion-x4-upscaler, as Livepeer's gateway; none for video-upscale and frame-interpolation\)/,
    );
  });

  it("refuses an unknown pipeline or a malformed default-model, saying what is allowed", () => {
    const bad = (entry: string) => () => parseConfig(["--default-model", entry], {});
    expect(bad("text2image=m")).toThrow(
      'default-model "text2image=m" names no pipeline of this gateway; pipelines: text-to-image, image-to-image, image-to-video, upscale, video-upscale, frame-interpolation',
    );
    expect(bad("upscale")).toThrow(
      'default-model must look like <pipeline>=<model_id>, e.g. upscale=stabilityai/stable-diffusion-x4-upscaler, got "upscale"',
    );
    expect(bad("upscale=../etc/passwd")).toThrow(
      'default-model "upscale=../etc/passwd": the model id must be what model_id may be, at most 256 characters matching',
    );
    expect(() => parseConfig(["--default-model", "upscale=a", "--default-model", "upscale=b"], {})).toThrow(
      "default-model sets upscale twice (upscale=a, upscale=b); set it once",
    );
    const file = join(dir, "bad-models.json");
    writeFileSync(file, JSON.stringify({ "default-model": { upscale: "m" } }));
    expect(() => parseConfig(["--config", file], {})).toThrow('got {"upscale":"m"}');
    expect(() => resolveOptions({ defaultModels: { videoupscale: "m" } })).toThrow("names no pipeline of this gateway");
  });

  it("refuses a trust-proxy that is not an IP address and a cors-origin that is not an origin", () => {
    const bad =
      (...argv: string[]) =>
      () =>
        parseConfig(argv, {});
    for (const p of ["notanip", "10.0.0.0/8", "proxy.internal"]) {
      expect(bad("--trust-proxy", p)).toThrow(
        `trust-proxy must be the IP address of a proxy (e.g. 10.0.0.5 or ::1) or *, got ${JSON.stringify(p)}`,
      );
    }
    expect(bad("--cors-origin", "not an origin")).toThrow(
      'cors-origin must be a web origin, scheme://host[:port] without a path (e.g. https://app.example.com), or *, got "not an origin"',
    );
    expect(bad("--cors-origin", "https://App.example.com/")).toThrow('(did you mean "https://app.example.com"?)');
    expect(bad("--cors-origin", "ftp://app.example.com")).toThrow("cors-origin must be a web origin");
    expect(() => resolveOptions({ trustProxy: ["nope"] })).toThrow("trust-proxy must be the IP address");
    const ok = parseConfig(
      ["--trust-proxy", "10.0.0.5", "--trust-proxy", "::1", "--cors-origin", "https://app.example.com:8443"],
      { AVS_BROADCASTER_CORS_ORIGIN: "*" },
    ).options;
    expect([ok.trustProxy, ok.corsOrigins]).toEqual([["10.0.0.5", "::1"], ["https://app.example.com:8443"]]);
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
    // The version on the first line, as avs-orchestrator, avs-runner and avs-bench print it.
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(out.split("\n")[0]).toBe(`avs-broadcaster ${version} — the AI Video Subnet public gateway`);
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
    expect(err).toContain('max-attempts must be a whole number from 1 to 9007199254740991, got "-1"');
  });

  it("exits 2 on a default-model for a pipeline it does not have, listing the pipelines", async () => {
    const child = spawn(process.execPath, [BIN, "--default-model", "text-to-speech=parler-tts/parler-tts-large-v1"]);
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    expect(await new Promise((r) => child.on("exit", r))).toBe(2);
    expect(err).toContain(
      "names no pipeline of this gateway; pipelines: text-to-image, image-to-image, image-to-video, upscale, video-upscale, frame-interpolation",
    );
  });

  it("listens, logs JSON with the port, serves, and stops on SIGTERM", async () => {
    const b = await startBin(["--port", "0", "--output-dir", join(dir, "out")], {
      AVS_BROADCASTER_ORCHESTRATOR: "http://127.0.0.1:9",
    });
    const res = await fetch(`${b.url}/health`);
    expect(await res.json()).toEqual({ status: "OK" });
    expect(await b.stop()).toBe(0);
    expect(b.out()).toContain('"msg":"stopping"');
  });

  it("keeps outputs in a directory it is given with a PostgreSQL jobs-db, and warns that others cannot serve them", async () => {
    const db = testSchema("cli");
    const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: "m" }]);
    const shared = ["--port", "0", "--jobs-db", db.url, "--jobs-db-schema", db.schema, "--info-interval-ms", "200"];
    const started: Array<Awaited<ReturnType<typeof startBin>>> = [];
    try {
      const a = await startBin([...shared, "--orchestrator", fake.url, "--output-dir", join(dir, "a")]);
      started.push(a);
      const b = await startBin(shared);
      started.push(b);
      expect(a.listening.store).toBe("local");
      const warning = "outputs are kept in a local directory while the job store is shared";
      expect(a.lines().filter((l) => l.msg === warning)).toEqual([
        expect.objectContaining({
          level: "warn",
          dir: join(dir, "a"),
          hint: expect.stringContaining("--output-store"),
        }),
      ]);
      expect(b.listening.store).toBe("postgres");
      expect(b.lines().filter((l) => l.msg === warning)).toEqual([]);
      // What the warning is about: a job run on A has its output on A's disk alone.
      let res = await textToImage(a.url, { model_id: "m", prompt: "p" });
      for (let i = 0; i < 100 && res.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        res = await textToImage(a.url, { model_id: "m", prompt: "p" });
      }
      const url: string = (await res.json()).images[0].url;
      const name = url.slice(url.lastIndexOf("/") + 1);
      expect((await fetch(`${a.url}/outputs/${name}`)).status).toBe(200);
      expect((await fetch(`${b.url}/outputs/${name}`)).status).toBe(404);
    } finally {
      for (const b of started) await b.stop();
      await fake.close();
      await db.drop();
    }
  }, 60_000);
});
