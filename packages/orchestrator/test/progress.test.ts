/**
 * @module `GET /progress/{request_id}` through real `avs-runner` processes: the runner's denoise steps relayed for a
 * job the orchestrator runs, a late subscriber, 404 for an unknown id, a runner stream that connects after the job
 * began (replayed from `Last-Event-ID: 0`), a Livepeer-style runner (no /progress) giving
 * only `end`, and a caller that hangs up stopping the job on the runner and freeing the slot at once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { followProgress, type ProgressEvent } from "@ai-video-subnet/runner-client";
import { TINY_SD } from "@ai-video-subnet/test-kit";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { defaultRunnerCommand } from "../src/launchers/process-launcher.js";
import { eventually, modelsDir, startExternalRunner, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

const SECRET = "orch-secret";
const models = modelsDir([TINY, TINY_SD]);
afterAll(() => models.cleanup());

let orch: Awaited<ReturnType<typeof startOrchestrator>> | undefined;
afterEach(async () => {
  await orch?.stop();
  orch = undefined;
});

const auth = { authorization: `Bearer ${SECRET}` };
// Small images by default; the cancel test asks for 256×256 × 1000 steps (65.5 M, under the runner's MAX_SD_WORK of
// 210 M), so the job still runs for seconds when the hang-up arrives, even on a loaded machine.
const textToImage = (requestId: string, steps: number, signal?: AbortSignal, size = 8) =>
  fetch(`${orch!.url}/text-to-image`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json", "x-request-id": requestId },
    body: JSON.stringify({
      model_id: TINY_SD,
      prompt: "a red cube",
      num_inference_steps: steps,
      seed: 1,
      width: size,
      height: size,
    }),
    ...(signal ? { signal } : {}),
  });
/** Passes one request on to the runner at 127.0.0.1:`port` and its answer back (`watch` sees the answer first). */
function forward(req: IncomingMessage, res: ServerResponse, port: number, watch?: (answer: IncomingMessage) => void) {
  const upstream = request(
    { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      watch?.(answer);
      answer.pipe(res);
    },
  );
  req.pipe(upstream);
}
async function collect(requestId: string): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  for await (const e of followProgress(orch!.url, requestId, { token: SECRET })) events.push(e);
  return events;
}

describe("orchestrator progress relay", () => {
  it("relays the runner's denoise steps in order, then end; a late subscriber sees where it got to", async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "text-to-image", model_id: TINY_SD, warm: true }],
      modelsDir: models.dir,
      secret: SECRET,
    });
    const following = collect("orch-p-1"); // subscribed before the POST
    await eventually(() => orch!.progress.waiting("orch-p-1") === 1, 10_000, "the subscriber waiting");
    const res = await textToImage("orch-p-1", 12);
    expect(res.status).toBe(200);
    const events = await following;
    const denoise = events.filter((e) => e.type === "progress" && e.stage === "denoise");
    expect(denoise.map((e) => (e as { step: number }).step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: "end", status: 200 });
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    const late = await collect("orch-p-1");
    expect(late.at(-1)).toMatchObject({ type: "end", status: 200 });
    // One that names the last event it saw (an EventSource reconnecting) gets exactly the events after it.
    const resumed: ProgressEvent[] = [];
    for await (const e of followProgress(orch!.url, "orch-p-1", { token: SECRET, lastEventId: 5 })) resumed.push(e);
    expect(resumed).toEqual(events.slice(5));
    // One that names the end, or an id past it (never sent), gets the end again, not an empty stream to reconnect
    // to for ever.
    for (const lastEventId of [events.at(-1)!.id, 999_999]) {
      const again: ProgressEvent[] = [];
      for await (const e of followProgress(orch!.url, "orch-p-1", { token: SECRET, lastEventId })) again.push(e);
      expect(again).toEqual(events.slice(-1));
    }
  }, 90_000);

  it("answers 401 without the secret and 404 in the error shape for an unknown id", async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
      secret: SECRET,
      progressWaitMs: 200,
    });
    expect((await fetch(`${orch.url}/progress/x`)).status).toBe(401);
    const res = await fetch(`${orch.url}/progress/nobody`, { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      detail: { msg: 'no job with request id "nobody" started within 0.2 s, and none ended in the last 60 s' },
    });
    const bad = await fetch(`${orch.url}/progress/${"x".repeat(200)}`, { headers: auth });
    expect(bad.status).toBe(422);
    const badId = await fetch(`${orch.url}/progress/x`, { headers: { ...auth, "last-event-id": "-3" } });
    expect(badId.status).toBe(422);
    expect((await badId.json()).detail[0]).toMatchObject({ loc: ["header", "Last-Event-ID"] });
    expect((await fetch(`${orch.url}/health`)).status).toBe(200);
  }, 60_000);

  it("lets a subscriber that leaves while waiting go quietly, not as a wait that ran out", async () => {
    const lines: string[] = [];
    const record = (msg: string, fields?: object) => void lines.push(`${msg} ${JSON.stringify(fields ?? {})}`);
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
      secret: SECRET,
      progressWaitMs: 5000,
      log: { debug: record, info: record, warn: record, error: record },
    });
    const leaving = new AbortController();
    const subscribed = fetch(`${orch.url}/progress/gone-early`, { headers: auth, signal: leaving.signal });
    await eventually(() => orch!.progress.waiting("gone-early") === 1, 10_000, "the subscriber waiting");
    leaving.abort();
    await subscribed.catch(() => undefined);
    await eventually(() => orch!.progress.waiting("gone-early") === 0, 10_000, "the wait given up");
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.filter((l) => l.includes("no job with request id"))).toEqual([]);
  }, 60_000);

  it("stops the job on the runner and frees the slot when the caller hangs up", async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "text-to-image", model_id: TINY_SD, warm: true, capacity: 1 }],
      modelsDir: models.dir,
      secret: SECRET,
    });
    const caller = new AbortController();
    const events: ProgressEvent[] = [];
    let hungUpAt = 0;
    const following = (async () => {
      for await (const e of followProgress(orch!.url, "orch-cancel", { token: SECRET })) {
        events.push(e);
        // `>=`: a follower that connects late (a loaded machine) joins mid-job and never sees step 3 itself.
        if (e.type === "progress" && e.step >= 3 && !caller.signal.aborted) {
          hungUpAt = e.step;
          caller.abort();
        }
      }
    })();
    const started = performance.now();
    // 448×448 (within the runner's default MAX_SD_WORK) lasts seconds, so the hang-up reaches the runner mid-job on
    // a loaded machine; at 256×256 the 1000 tiny steps could all be done first, and the job ended with 200.
    await expect(textToImage("orch-cancel", 1000, caller.signal, 448)).rejects.toThrow();
    await eventually(() => expect(orch!.pool.capabilities()[0]!.in_use).toBe(0), 5000);
    await following;
    // The runner stopped soon after the hang-up, short of its 1000 steps, with a failure status. (Counted from the
    // step the hang-up came at: a follower that connected late on a loaded machine first saw step 939 in one CI run.)
    const end = events.at(-1)!;
    expect(end.type).toBe("end");
    expect((end as { status: number }).status).toBeGreaterThanOrEqual(400);
    const lastStep = Math.max(...events.map((e) => (e.type === "progress" ? e.step : 0)));
    expect(lastStep).toBeLessThan(1000);
    expect(lastStep - hungUpAt).toBeLessThan(900);
    // The freed slot takes the next job at once.
    expect((await textToImage("orch-after-cancel", 2)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(60_000);
  }, 90_000);
});

describe("a runner stream that connects after the job began", () => {
  let child: ChildProcess | undefined;
  let proxy: Server | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
    proxy?.close();
  });

  it("still shows a subscriber that came first every step: the runner replays them from Last-Event-ID 0", async () => {
    const runner = await startExternalRunner(models.dir, "ext-p", 0, { pipeline: "text-to-image", modelId: TINY_SD });
    child = runner.child;
    // In front of the runner: a proxy that holds the orchestrator's second GET /progress until the first stream
    // has carried denoise step 3, as a loaded machine may connect it after the runner began the job.
    const lastEventIds: string[] = [];
    let pastStep3 = () => {};
    const step3 = new Promise<void>((resolve) => {
      pastStep3 = resolve;
    });
    proxy = createServer(async (req, res) => {
      const nth = req.url?.startsWith("/progress/") ? lastEventIds.push(req.headers["last-event-id"] as string) : 0;
      if (nth === 2) await step3;
      forward(req, res, runner.port, (answer) => {
        if (nth !== 1) return;
        let text = "";
        answer.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('"step":3,')) pastStep3();
        });
      });
    });
    await new Promise<void>((resolve) => proxy!.listen(0, "127.0.0.1", resolve));
    orch = await startOrchestrator({
      models: [
        {
          pipeline: "text-to-image",
          model_id: TINY_SD,
          url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
          token: "ext-p",
        },
      ],
      modelsDir: models.dir,
      secret: SECRET,
      // The stall watchdog follows the runner's progress too: off here, so the proxy sees only the relay's streams.
      runnerStallTimeout: 0,
    });
    const first = collect("orch-held");
    const second = collect("orch-held");
    await eventually(() => orch!.progress.waiting("orch-held") === 2, 10_000, "both subscribers waiting");
    expect((await textToImage("orch-held", 12)).status).toBe(200);
    const [a, b] = await Promise.all([first, second]);
    const steps = (events: ProgressEvent[]) =>
      events.filter((e) => e.type === "progress" && e.stage === "denoise").map((e) => (e as { step: number }).step);
    expect(steps(a)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(b).toEqual(a);
    expect(lastEventIds).toEqual(["0", "0"]);
  }, 90_000);
});

describe("a Livepeer-style runner without /progress", () => {
  let child: ChildProcess;
  let proxy: Server;
  afterAll(() => {
    child?.kill("SIGKILL");
    proxy?.close();
  });

  it("gives only the end event, never an error", async () => {
    const [node, bin] = defaultRunnerCommand() as [string, string];
    child = spawn(node, [bin], {
      env: { ...process.env, PIPELINE: "upscale", MODEL_ID: TINY, MODEL_DIR: models.dir, PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const runnerPort = await new Promise<number>((resolve) => {
      child.stdout!.on("data", (d: Buffer) => {
        const m = /"msg":"listening".*?"port":(\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
    });
    // In front of the real runner, a server that has every route but /progress, as a Livepeer runner.
    proxy = createServer((req, res) => {
      if (req.url?.startsWith("/progress/")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"detail":"Not Found"}');
        return;
      }
      forward(req, res, runnerPort);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url }],
      modelsDir: models.dir,
      secret: SECRET,
    });
    const following = collect("lp-1");
    const res = await fetch(`${orch.url}/upscale`, {
      method: "POST",
      headers: { ...auth, "x-request-id": "lp-1" },
      body: upscaleForm(TINY),
    });
    expect(res.status).toBe(200);
    expect(await following).toEqual([{ type: "end", id: 1, status: 200 }]);
  }, 60_000);
});
