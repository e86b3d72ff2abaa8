/** @module Test helper: a broadcaster with a temporary output directory, quiet logs, and fast polling. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { type Broadcaster, type BroadcasterOptions, createBroadcaster } from "../../src/index.js";

/** A started broadcaster and how to dispose of it. */
export interface TestBroadcaster {
  b: Broadcaster;
  url: string;
  dir: string;
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Starts a broadcaster on 127.0.0.1:0.
 * @example const t = await startBroadcaster({ orchestrators: [fake.url] }); await t.close();
 */
export async function startBroadcaster(options: BroadcasterOptions = {}): Promise<TestBroadcaster> {
  const dir = mkdtempSync(join(tmpdir(), "avs-broadcaster-test-"));
  const logs: Array<Record<string, unknown>> = [];
  const b = createBroadcaster({
    port: 0,
    infoIntervalMs: 200,
    backoffBaseMs: 200,
    outputs: { kind: "local", dir: join(dir, "outputs") },
    uploadDir: join(dir, "uploads"),
    jobsDb: join(dir, "jobs.sqlite"),
    logLevel: "debug",
    logSink: (line) => logs.push(JSON.parse(line)),
    ...options,
  });
  const { url } = await b.start();
  return {
    b,
    url,
    dir,
    logs,
    async close() {
      await b.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs a JSON text-to-image job (cancelled when `signal` aborts). */
export function textToImage(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(`${url}/text-to-image`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** The model of {@link T2I_JOB}. */
export const T2I_MODEL = "tiny/sd";
/** A small, valid text-to-image job. */
export const T2I_JOB = { model_id: T2I_MODEL, prompt: "a lighthouse", width: 64, height: 64, num_inference_steps: 1 };

/**
 * A list of servers (fakes, broadcasters) closed after each test of the file; `unshift` the broadcaster so it
 * stops first.
 * @example const open = closedAfterEach(); open.push(await startFakeOrchestrator(caps));
 */
export function closedAfterEach(): Array<{ close(): Promise<void> }> {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close()));
  });
  return open;
}
