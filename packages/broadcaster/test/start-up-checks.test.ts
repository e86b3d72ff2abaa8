/**
 * @module What a broadcaster checks at start before it takes any job: an `upload-dir` it can make and write (a file
 * there, or a path under procfs, failed or hung every large job), and its port (one that cannot listen claimed
 * queued jobs of the shared store before it exited).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentOwner } from "@ai-video-subnet/server-kit";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createBroadcaster } from "../src/broadcaster.js";
import { parseConfig } from "../src/config/cli-config.js";
import { type BroadcasterOptions, MAX_RETENTION_MS } from "../src/options.js";
import { type ApiJob, submitAsync } from "./support/async-jobs.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { jobStores } from "./support/postgres.js";

const dir = mkdtempSync(join(tmpdir(), "avs-start-checks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

/** The error of a broadcaster's start with `options` (its stores are closed after). */
async function startError(options: BroadcasterOptions): Promise<Error> {
  const b = createBroadcaster({
    port: 0,
    outputs: { kind: "local", dir: join(dir, "outputs") },
    jobsDb: join(dir, "jobs.sqlite"),
    logSink: () => {},
    ...options,
  });
  try {
    await b.start();
  } catch (err) {
    return err as Error;
  } finally {
    await b.stop();
  }
  throw new Error("the start succeeded");
}

describe("start-up checks", () => {
  it("refuses an upload-dir that is a file, or under one, naming the setting", async () => {
    const file = join(dir, "photo.png");
    writeFileSync(file, "not a directory");
    expect((await startError({ uploadDir: file })).message).toBe(
      `upload-dir (--upload-dir, AVS_BROADCASTER_UPLOAD_DIR): ${file} is not a directory; point it at a directory ` +
        "this process can write, or leave it out for a temporary one",
    );
    expect((await startError({ uploadDir: join(file, "uploads") })).message).toMatch(
      /^upload-dir \(--upload-dir, AVS_BROADCASTER_UPLOAD_DIR\): .*photo\.png\/uploads is not a directory; /,
    );
  });

  it.runIf(process.platform === "linux")(
    "refuses an upload-dir under procfs at once, where mkdir -p never returned",
    async () => {
      const started = Date.now();
      expect((await startError({ uploadDir: "/proc/self/avs-nope/uploads" })).message).toMatch(
        /^upload-dir \(.*\): \/proc\/self\/avs-nope\/uploads cannot be made \(ENOENT\); /,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    },
  );

  it("names output-dir and jobs-db, and the path, when their directories cannot be made", async () => {
    const file = join(dir, "photo.png");
    writeFileSync(file, "not a directory");
    const under = join(file, "outputs");
    expect((await startError({ outputs: { kind: "local", dir: under }, jobsDb: undefined })).message).toBe(
      `output-dir (--output-dir, AVS_BROADCASTER_OUTPUT_DIR): ${under} is not a directory; set it to a directory ` +
        "this process can write",
    );
    const db = join(file, "jobs.sqlite");
    expect((await startError({ jobsDb: db })).message).toBe(
      `jobs-db (--jobs-db, AVS_BROADCASTER_JOBS_DB): ${db}: its directory ${file} is not a directory; set it to a ` +
        "file in a directory this process can write, or to a postgres:// URL",
    );
    expect((await startError({ jobsDb: dir })).message).toMatch(
      /^jobs-db \(--jobs-db, AVS_BROADCASTER_JOBS_DB\): .* cannot be opened \(SQLITE_CANTOPEN\); /,
    );
    if (process.platform !== "linux") return;
    expect((await startError({ outputs: { kind: "local", dir: "/proc/self/avs-nope" } })).message).toMatch(
      /^output-dir \(--output-dir, AVS_BROADCASTER_OUTPUT_DIR\): \/proc\/self\/avs-nope cannot be made \(ENOENT\); /,
    );
    expect((await startError({ jobsDb: "/proc/self/avs-nope/jobs.sqlite" })).message).toMatch(
      /^jobs-db \(.*\): \/proc\/self\/avs-nope\/jobs\.sqlite: its directory \/proc\/self\/avs-nope cannot be made \(ENOENT\); /,
    );
  });

  it("removes the default upload dir a killed broadcaster left, and keeps a live one's", async () => {
    const tmp = mkdtempSync(join(dir, "tmp-"));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const here = currentOwner();
      const gone = await deadPid();
      const stale = join(tmp, `avs-broadcaster-uploads-${gone}-0-${here.ns}-a1b2c3`);
      const live = join(tmp, `avs-broadcaster-uploads-${here.pid}-${here.start}-${here.ns}-d4e5f6`);
      for (const d of [stale, live]) {
        mkdirSync(d);
        writeFileSync(join(d, "0123.input"), Buffer.alloc(1000));
      }
      const t = await startBroadcaster({ uploadDir: undefined });
      try {
        expect(existsSync(stale)).toBe(false);
        expect(existsSync(live)).toBe(true);
        expect(t.logs.find((l) => l.msg === "removed stale upload dirs")).toMatchObject({ dirs: 1, bytes: 1000 });
        // Its own is made at start, named so that the next start after a kill -9 removes it.
        expect(t.b.options.uploadDir.startsWith(join(tmp, `avs-broadcaster-uploads-${here.pid}-${here.start}-`))).toBe(
          true,
        );
        expect(existsSync(t.b.options.uploadDir)).toBe(true);
      } finally {
        await t.close();
      }
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it("spools into its own directory inside a given upload-dir, removing only killed broadcasters' ones", async () => {
    const given = mkdtempSync(join(dir, "given-"));
    const here = currentOwner();
    const gone = await deadPid();
    const stale = join(given, `avs-broadcaster-uploads-${gone}-0-${here.ns}-a1b2c3`);
    const live = join(given, `avs-broadcaster-uploads-${here.pid}-${here.start}-${here.ns}-d4e5f6`);
    const unrelated = join(given, "operator-notes");
    for (const d of [stale, live, unrelated]) {
      mkdirSync(d);
      writeFileSync(join(d, "0123.input"), Buffer.alloc(1000));
    }
    writeFileSync(join(given, "README"), "kept");
    const t = await startBroadcaster({ uploadDir: given });
    const own = t.b.options.uploadDir;
    try {
      expect(existsSync(stale)).toBe(false);
      expect([live, unrelated, join(given, "README")].map(existsSync)).toEqual([true, true, true]);
      expect(t.logs.find((l) => l.msg === "removed stale upload dirs")).toMatchObject({ in: given, dirs: 1 });
      expect(own.startsWith(join(given, `avs-broadcaster-uploads-${here.pid}-${here.start}-${here.ns}-`))).toBe(true);
      expect(existsSync(own)).toBe(true);
    } finally {
      await t.close();
    }
    // Its own goes on stop; the operator's directory stays.
    expect([existsSync(own), existsSync(given), existsSync(live)]).toEqual([false, true, true]);
  });

  it("claims no queued job of the shared store when its port is taken", async () => {
    const shared = mkdtempSync(join(dir, "shared-"));
    // A job queued in the store: waiting for an orchestrator that does not answer, then handed back by a stop.
    const unreachable = ["http://127.0.0.1:9"];
    const first = await startBroadcaster({
      orchestrators: unreachable,
      jobsDb: join(shared, "jobs.sqlite"),
      shutdownGrace: 0,
    });
    const res = await submitAsync(first.url, { model_id: "m", prompt: "p", width: 64, height: 64 });
    const { id } = (await res.json()) as ApiJob;
    await first.close();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const b = createBroadcaster({
      port: (taken.address() as AddressInfo).port,
      host: "127.0.0.1",
      outputs: { kind: "local", dir: join(shared, "outputs") },
      uploadDir: join(shared, "uploads"),
      jobsDb: join(shared, "jobs.sqlite"),
      orchestrators: unreachable,
      logSink: () => {},
    });
    try {
      await expect(b.start()).rejects.toThrow(/EADDRINUSE/);
      // Before the stop, which would hand a claimed job back: nothing was claimed.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sqlite = new Database(join(shared, "jobs.sqlite"), { readonly: true });
      const row = sqlite.prepare("SELECT status, holder, runs FROM jobs WHERE id = ?").get(id);
      sqlite.close();
      expect(row).toMatchObject({ status: "queued", holder: null, runs: 1 });
    } finally {
      await b.stop();
      taken.close();
    }
  }, 30_000);
});

describe("retention settings", () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it.each(jobStores("retention", cleanups))(
    "sweeps jobs and outputs on %s with the longest retention the settings take",
    async (_name, store) => {
      const longest = ["--job-retention-ms", "--output-retention-ms"].flatMap((f) => [f, String(MAX_RETENTION_MS)]);
      const { options } = parseConfig(longest, {});
      const { jobRetentionMs, outputRetentionMs } = options;
      const t = await startBroadcaster({ jobRetentionMs, outputRetentionMs, ...store() });
      try {
        // The sweeps run at start; with 2^53−1 ms PostgreSQL refused the NaN date of each (SQLite compared numbers).
        await new Promise((r) => setTimeout(r, 1000));
        expect(t.logs.filter((l) => /cleanup failed/.test(String(l.msg)))).toEqual([]);
        expect(await t.b.store.cleanup(Date.now())).toBe(0);
      } finally {
        await t.close();
      }
    },
    30_000,
  );

  it("refuses a retention past 100 years given through the API too, naming the setting", () => {
    expect(() => createBroadcaster({ jobRetentionMs: 2 ** 53 - 1 })).toThrow(
      "job-retention-ms must be a number from 0 to 3155760000000 ms (100 years), got 9007199254740991",
    );
    expect(() => createBroadcaster({ outputRetentionMs: Number.POSITIVE_INFINITY })).toThrow(
      "output-retention-ms must be a number from 0 to 3155760000000 ms (100 years), got Infinity",
    );
  });

  it("records a fractional job retention as whole milliseconds (PostgreSQL's bigint refused 1500.5 at every submit)", async () => {
    const { asyncJobSettings } = await import("../src/async-jobs/options.js");
    const { resolveOptions } = await import("../src/options.js");
    expect(asyncJobSettings(resolveOptions({ jobRetentionMs: 1500.5 })).retentionMs).toBe(1501);
    expect(asyncJobSettings(resolveOptions({ outputRetentionMs: 60_000.25 })).retentionMs).toBe(60_001);
  });
});
