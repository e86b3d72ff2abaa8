/**
 * @module What the broadcaster writes to disk holds secrets (webhook secrets, prompts, inputs, the outputs' secret
 * names and bytes), so only its own user may read it: files 0600, directories it makes 0700, whatever the umask lets
 * through. Files an earlier version left readable are made private; an operator's existing directory keeps its mode.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteJobStore } from "../src/async-jobs/sqlite-store.js";
import { LocalOutputStore } from "../src/outputs/local-store.js";
import { outputName } from "../src/outputs/store.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { newJob } from "./support/new-job.js";

const root = mkdtempSync(join(tmpdir(), "avs-file-modes-"));
/** The umask these tests run under: it lets group and others read, as a default umask does. */
let umask = 0;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;
const BIG = new Uint8Array(1024 * 1024 + 10).map((_, i) => i % 251);

describe("the local output store", () => {
  it("makes its directory and missing parents 0700, and every output file 0600 (packed, written, streamed)", async () => {
    const dir = join(root, "made", "outputs");
    const store = new LocalOutputStore(dir, 60_000);
    await store.init();
    try {
      const written = await store.put(outputName("png"), Buffer.from(BIG), "image/png", BIG.length);
      const streamed = await store.put(outputName("mp4"), Readable.from([Buffer.from(BIG)]), "video/mp4");
      const packed = await store.put(outputName("png"), Buffer.from("small"), "image/png", 5);
      expect(written).toMatch(/^[A-Za-z0-9_-]{32}\.png$/);
      const pack = `outputs-${packed.split("_").at(-2)}.pack`;
      const files = [written, streamed, pack].map((name) => modeOf(join(dir, name)));
      expect([modeOf(join(root, "made")), modeOf(dir), ...files]).toEqual([0o700, 0o700, 0o600, 0o600, 0o600]);
    } finally {
      await store.close();
    }
  });

  it("leaves the mode of an operator's existing directory, and makes an output an earlier version left 0644 private", async () => {
    const dir = join(root, "operators");
    mkdirSync(dir, { mode: 0o755 });
    const old = join(dir, outputName("mp4"));
    writeFileSync(old, "an earlier version's output");
    chmodSync(old, 0o644);
    const store = new LocalOutputStore(dir, 60_000);
    await store.init();
    expect(await store.cleanup(Date.now())).toBe(0);
    expect([modeOf(dir), modeOf(old)]).toEqual([0o755, 0o600]);
    await store.close();
  });
});

describe("the SQLite job store", () => {
  it("makes its directory 0700 and its database, -wal and -shm files 0600", async () => {
    const path = join(root, "jobs-dir", "jobs.sqlite");
    const store = new SqliteJobStore(path);
    await store.init();
    try {
      await store.create(newJob({ webhookUrl: "https://example.com/hook", webhookSecret: "whsec_c2VjcmV0" }));
      const files = [path, `${path}-wal`, `${path}-shm`].map(modeOf);
      expect([modeOf(join(root, "jobs-dir")), ...files]).toEqual([0o700, 0o600, 0o600, 0o600]);
    } finally {
      await store.close();
    }
  });

  it("makes private the database files an earlier version left 0644", async () => {
    const dir = join(root, "earlier");
    mkdirSync(dir, { mode: 0o755 });
    const path = join(dir, "jobs.sqlite");
    const first = new SqliteJobStore(path);
    await first.init();
    await first.close();
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      writeFileSync(file, "", { flag: "a" });
      chmodSync(file, 0o644);
    }
    const store = new SqliteJobStore(path);
    await store.init();
    try {
      await store.create(newJob());
      expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
      expect(modeOf(dir)).toBe(0o755);
    } finally {
      await store.close();
    }
  });
});

describe("a broadcaster with the default job store in a new output directory", () => {
  it("makes the output directory 0700 and jobs.sqlite 0600", async () => {
    const dir = join(root, "bout");
    const t = await startBroadcaster({ outputs: { kind: "local", dir }, jobsDb: undefined });
    try {
      expect([modeOf(dir), modeOf(join(dir, "jobs.sqlite"))]).toEqual([0o700, 0o600]);
    } finally {
      await t.close();
    }
  });
});
