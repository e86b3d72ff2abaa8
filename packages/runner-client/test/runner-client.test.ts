/**
 * @module RunnerClient against a real `avs-runner` process (the tiny ESRGAN model, installed by the runner's own
 * model tool): job routes, status routes, readiness, and typed errors for every way a call can fail.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { binaryCommand, installModels, png, TINY_UPSCALER, tempDir } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ProgressEvent,
  RunnerClient,
  RunnerConnectionError,
  RunnerError,
  RunnerNotReadyError,
} from "../src/index.js";

const MODEL = TINY_UPSCALER;
const TOKEN = "runner-token";
const [node, bin] = binaryCommand("runner") as [string, string];

describe("RunnerClient against avs-runner", () => {
  const tmp = tempDir("runner-client");
  const root = tmp.dir;
  let child: ChildProcess;
  let baseUrl: string;
  let runner: RunnerClient;

  beforeAll(async () => {
    installModels(root, [MODEL]);
    child = spawn(node, [bin], {
      env: {
        ...process.env,
        PIPELINE: "upscale",
        MODEL_ID: MODEL,
        MODEL_DIR: root,
        AUTH_TOKEN: TOKEN,
        PORT: "0",
        HOST: "127.0.0.1",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    baseUrl = await new Promise<string>((resolve, reject) => {
      let buf = "";
      child.stdout!.on("data", (d) => {
        buf += d;
        const m = /"msg":"listening".*?"port":(\d+)/.exec(buf);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
      child.once("exit", (code) => reject(new Error(`runner exited with ${code}`)));
    });
    child.stdout!.resume();
    runner = new RunnerClient({ baseUrl, token: TOKEN });
    await runner.waitUntilReady(30_000);
  }, 60_000);

  afterAll(() => {
    child?.kill("SIGKILL");
    tmp.cleanup();
  });

  it("follows a job's progress by its request id: tile steps in order, then end with the POST's status", async () => {
    const events: ProgressEvent[] = [];
    const following = (async () => {
      for await (const e of runner.progress("rc-progress-1")) events.push(e);
    })();
    await runner.upscale(
      { prompt: "", image: new Blob([png(40, 40)]), model_id: MODEL },
      { requestId: "rc-progress-1" },
    );
    await following;
    const steps = events.filter((e) => e.type === "progress");
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((e) => e.stage === "tiles" && e.total >= 1 && e.fraction === e.step / e.total)).toBe(true);
    expect(steps.at(-1)!.fraction).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: "end", status: 200 });
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    // A late subscriber still sees where it got to and how it ended.
    const late: ProgressEvent[] = [];
    for await (const e of runner.progress("rc-progress-1")) late.push(e);
    expect(late.at(-1)).toMatchObject({ type: "end", status: 200 });
    // With lastEventId 0 (Last-Event-ID), the whole job again: every tile in order, then its end.
    const replay: ProgressEvent[] = [];
    for await (const e of runner.progress("rc-progress-1", { lastEventId: 0 })) replay.push(e);
    const tiles = replay.filter((e) => e.type === "progress");
    expect(tiles.map((e) => e.step)).toEqual(Array.from({ length: tiles[0]!.total }, (_, i) => i + 1));
    expect(replay.map((e) => e.id)).toEqual(Array.from({ length: replay.length }, (_, i) => i + 1));
    expect(replay.at(-1)).toMatchObject({ type: "end", status: 200 });
  });

  it("ends a progress stream quietly on abort, and throws RunnerError 404 where the route does not exist", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const seen: ProgressEvent[] = [];
    for await (const e of runner.progress("rc-never-started", { signal: controller.signal })) seen.push(e);
    expect(seen).toEqual([]);
    const livepeer = createServer((_req, res) => {
      res.writeHead(404, { "content-type": "application/json" }).end('{"detail":"Not Found"}');
    });
    await new Promise<void>((resolve) => livepeer.listen(0, "127.0.0.1", resolve));
    try {
      const port = (livepeer.address() as AddressInfo).port;
      const other = new RunnerClient({ baseUrl: `http://127.0.0.1:${port}` });
      const err = await (async () => {
        for await (const _ of other.progress("job-1")) throw new Error("no event expected");
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunnerError);
      expect((err as RunnerError).status).toBe(404);
    } finally {
      livepeer.close();
    }
  });

  it("reads health, hardware and version", async () => {
    expect(await runner.health()).toEqual({ status: "OK" });
    expect(await runner.hardwareInfo()).toEqual({ pipeline: "upscale", model_id: MODEL, gpu_info: {} });
    expect(await runner.hardwareStats()).toEqual({ pipeline: "upscale", model_id: MODEL, gpu_stats: {} });
    expect(await runner.version()).toMatchObject({ pipeline: "upscale", model_id: MODEL });
  });

  it("upscales with a multipart body built from a Blob and typed fields", async () => {
    const out = await runner.upscale({ prompt: "", image: new Blob([png(8, 6)]), seed: 42, model_id: MODEL });
    expect(out.images).toHaveLength(1);
    expect(out.images[0]!.seed).toBe(42);
    const bytes = Buffer.from(out.images[0]!.url.replace(/^data:image\/png;base64,/, ""), "base64");
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([32, 24]);
  });

  it("upscales through the generic run() with the same result shape", async () => {
    const out = await runner.run("/upscale", { prompt: "x", image: new Blob([png(4, 4)]), seed: 1 });
    expect(out.images[0]!.seed).toBe(1);
  });

  it("sends job calls through a custom fetch when one is given (the path browsers take), with the same results and errors", async () => {
    const seen: string[] = [];
    const viaFetch = new RunnerClient({
      baseUrl,
      token: TOKEN,
      fetch: (input, init) => {
        const request = input instanceof Request ? input : new Request(input, init);
        seen.push(`${request.method} ${new URL(request.url).pathname} ${request.headers.get("content-type")}`);
        return fetch(request);
      },
    });
    const out = await viaFetch.upscale({ prompt: "", image: new Blob([png(8, 6)]), seed: 3 });
    expect(out.images[0]!.seed).toBe(3);
    expect(seen[0]).toMatch(/^POST \/upscale multipart\/form-data; boundary=/);
    const err = await viaFetch
      .upscale({ prompt: "", image: new Blob([png(4, 4)]), model_id: "other/model" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RunnerError);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^\[POST\] "\/upscale": 400 Bad Request: /);
  });

  it("sends text fields of every type as their text over node:http (multipart built in one place)", async () => {
    const out = await runner.run("/upscale", {
      prompt: 'a "quoted"\r\nprompt',
      image: new Blob([png(4, 4)], { type: "image/png" }),
      seed: 9,
      safety_check: false,
    } as never);
    expect(out.images[0]!.seed).toBe(9);
  });

  it("forwards an already encoded body as it is (chunks or a stream) and returns the answer's bytes", async () => {
    const boundary = "fwd-boundary";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;
    const tail = `\r\n--${boundary}\r\nContent-Disposition: form-data; name="seed"\r\n\r\n11\r\n--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n\r\n--${boundary}--\r\n`;
    const chunks = [Buffer.from(head), Buffer.from(png(8, 6)), Buffer.from(tail)];
    const contentType = `multipart/form-data; boundary=${boundary}`;
    const bytes = await runner.forward("/upscale", { contentType, body: chunks }, { requestId: "rc-forward-1" });
    const out = JSON.parse(bytes.toString("utf8"));
    expect(out.images[0].seed).toBe(11);
    expect(out.images[0].url).toMatch(/^data:image\/png;base64,/);
    const length = chunks.reduce((n, c) => n + c.length, 0);
    const streamed = await runner.forward("/upscale", { contentType, body: Readable.from(chunks), length });
    expect(JSON.parse(streamed.toString("utf8")).images[0].seed).toBe(11);
    const refused = await runner
      .forward("/upscale", { contentType, body: [Buffer.from(`--${boundary}--\r\n`)] }, { requestId: "rc-forward-2" })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(RunnerError);
    expect(refused.status).toBe(422);
    expect(refused.requestId).toBe("rc-forward-2");
    const slow = await runner
      .forward(
        "/upscale",
        { contentType, body: [Buffer.from(head), Buffer.from(png(512, 512)), Buffer.from(tail)] },
        { timeoutMs: 1 },
      )
      .catch((e) => e);
    expect(slow).toBeInstanceOf(RunnerConnectionError);
    expect(slow.timedOut).toBe(true);
  });

  it("throws RunnerError with status and detail for a wrong model (400)", async () => {
    const err = await runner
      .upscale({ prompt: "", image: new Blob([png(4, 4)]), model_id: "other/model" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RunnerError);
    expect(err.status).toBe(400);
    expect(err.detailMessage).toMatch(/other\/model/);
    expect(err.message).toMatch(/^\[POST\] "\/upscale": 400 Bad Request: /);
  });

  it("throws RunnerError 401 with a wrong token, carrying the runner's message", async () => {
    const wrong = new RunnerClient({ baseUrl, token: "nope" });
    const err = await wrong.upscale({ prompt: "", image: new Blob([png(4, 4)]) }).catch((e) => e);
    expect(err).toBeInstanceOf(RunnerError);
    expect(err.status).toBe(401);
    expect(err.detail).toHaveProperty("msg");
  });

  it("throws RunnerError 422 with the validation issues as detail", async () => {
    const err = await runner
      .run("/upscale", { prompt: "", image: new Blob([png(4, 4)]), seed: -5 } as never)
      .catch((e) => e);
    expect(err).toBeInstanceOf(RunnerError);
    expect(err.status).toBe(422);
    expect(Array.isArray(err.detail)).toBe(true);
    expect(err.detail[0].loc).toEqual(["body", "seed"]);
  });

  it("sends the request id and reads it back from the error", async () => {
    const err = await runner
      .upscale({ prompt: "", image: new Blob([new Uint8Array([1, 2, 3])]) }, { requestId: "rid-123" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RunnerError);
    // Not an image: /upscale, one of Livepeer's routes, says 400 on the wire and the precise 415 in X-AVS-Status.
    expect([err.status, err.wireStatus]).toEqual([415, 400]);
    expect(err.requestId).toBe("rid-123");
  });

  it("throws RunnerConnectionError when nothing listens, and when a call times out", async () => {
    const dead = new RunnerClient({ baseUrl: "http://127.0.0.1:9" });
    const err = await dead.health().catch((e) => e);
    expect(err).toBeInstanceOf(RunnerConnectionError);
    expect(err.timedOut).toBe(false);
    expect(err.message).toMatch(/^\[GET\] "\/health": no response from the runner/);
    const slow = await runner
      .upscale({ prompt: "", image: new Blob([png(512, 512)]) }, { timeoutMs: 1 })
      .catch((e) => e);
    expect(slow).toBeInstanceOf(RunnerConnectionError);
    expect(slow.timedOut).toBe(true);
  });

  it("waitUntilReady gives up with RunnerNotReadyError naming the timeout", async () => {
    const dead = new RunnerClient({ baseUrl: "http://127.0.0.1:9" });
    const err = await dead.waitUntilReady(300, { intervalMs: 50 }).catch((e) => e);
    expect(err).toBeInstanceOf(RunnerNotReadyError);
    expect(err.message).toMatch(/was not ready within 300 ms: no answer/);
    expect(err.lastStatus).toBeUndefined();
  });
});

describe("a runner still loading its model", () => {
  it("is a state: /health's 503 LOADING is read, waitUntilReady waits on it; another 503 is an error", async () => {
    let body = JSON.stringify({ status: "LOADING" });
    const server = createServer((_req, res) => {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "5" }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const loading = new RunnerClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      expect(await loading.health()).toEqual({ status: "LOADING" });
      const err = await loading.waitUntilReady(300, { intervalMs: 50 }).catch((e) => e);
      expect(err).toBeInstanceOf(RunnerNotReadyError);
      expect(err.message).toMatch(/was not ready within 300 ms: last status LOADING$/);
      body = JSON.stringify({ detail: { msg: "overloaded" } });
      const other = await loading.health().catch((e) => e);
      expect(other).toBeInstanceOf(RunnerError);
      expect(other.status).toBe(503);
    } finally {
      server.close();
    }
  });
});

describe("a job call's signal", () => {
  it("aborts the call at once, closes its request, and refuses a call whose signal is already aborted", async () => {
    let requests = 0;
    let closed!: () => void;
    const requestClosed = new Promise<void>((r) => {
      closed = r;
    });
    // A runner that takes the job and never answers.
    const server = createServer((req) => {
      requests++;
      req.resume();
      req.socket.once("close", closed);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const runner = new RunnerClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const payload = { contentType: "application/json", body: Buffer.from('{"prompt":""}') };
    try {
      const controller = new AbortController();
      const call = runner.forward("/upscale", payload, { signal: controller.signal }).catch((e) => e);
      while (requests === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort(new Error("the caller hung up"));
      expect(await call).toMatchObject({ message: "the caller hung up" });
      await requestClosed;
      const early = await runner
        .forward("/upscale", payload, { signal: AbortSignal.abort(new Error("too late")) })
        .catch((e) => e);
      expect(early).toMatchObject({ message: "too late" });
      expect(requests).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
