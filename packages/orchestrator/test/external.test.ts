/**
 * @module The external launcher: a runner started outside the orchestrator (here a real `avs-runner` process),
 * reached by URL and bearer token; and a wrong external token found at start, the runner then taking no job.
 */
import type { ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/internal/free-port.js";
import {
  eventually,
  modelsDir,
  pngSize,
  recordingLogger,
  startExternalRunner,
  startOrchestrator,
  TINY,
  upscaleForm,
} from "./helpers.js";

describe("external runners", () => {
  const models = modelsDir();
  let child: ChildProcess;
  let runnerUrl: string;
  beforeAll(async () => {
    const runner = await startExternalRunner(models.dir, "ext");
    child = runner.child;
    runnerUrl = `http://127.0.0.1:${runner.port}`;
  }, 30_000);
  afterAll(() => {
    child?.kill("SIGKILL");
    models.cleanup();
  });

  it("serves jobs through a runner given by url + token, with its capacity", async () => {
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: runnerUrl, token: "ext", capacity: 3 }],
      modelsDir: models.dir,
    });
    try {
      const info = await (await fetch(`${orch.url}/info`)).json();
      expect(info.capabilities[0]).toMatchObject({ model_id: TINY, warm: true, capacity: 3, in_use: 0 });
      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(res.status).toBe(200);
      const { images } = await res.json();
      const file = new Uint8Array(await (await fetch(images[0].url)).arrayBuffer());
      expect(pngSize(file)).toEqual({ width: 64, height: 64 });
    } finally {
      await orch.stop();
    }
    // stop() never stops a runner it did not start
    expect(child.exitCode).toBeNull();
    expect((await fetch(`${runnerUrl}/health`)).status).toBe(200);
  }, 30_000);

  it("answers 503, not a restart it will not do, when an external runner dies between jobs", async () => {
    const own = await startExternalRunner(models.dir, "gone");
    const log = recordingLogger();
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: `http://127.0.0.1:${own.port}`, token: "gone" }],
      modelsDir: models.dir,
      healthInterval: 30,
      log,
    });
    try {
      expect((await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) })).status).toBe(200);
      own.child.kill("SIGKILL");
      await new Promise((resolve) => own.child.once("exit", resolve));
      // Before any health check has seen it down: the job finds the runner gone.
      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("30");
      expect((await res.json()).detail.msg).toBe(
        'the runner of upscale model "tiny/esrgan-x4" does not answer; it is checked again within 30 s',
      );
      // Told at once, the watchdog offers none of its capacity meanwhile.
      await eventually(() => orch.pool.capabilities()[0]!.capacity === 0, 10_000, "capacity 0");
      // Nothing of it is restarted, and the log does not say so.
      expect(log.lines.map((l) => l.msg)).toContain("runner reached by URL is down; connecting again");
      expect(log.lines.map((l) => l.msg)).not.toContain("restarting runner");
    } finally {
      await orch.stop();
      own.child.kill("SIGKILL");
    }
  }, 30_000);

  it("offers nothing for an external runner that serves another model than its entry, and says so", async () => {
    const orch = await startOrchestrator({
      models: [
        { pipeline: "upscale", model_id: "other/model", url: runnerUrl, token: "ext" },
        { pipeline: "upscale", model_id: TINY, url: runnerUrl, token: "ext" },
      ],
      modelsDir: models.dir,
    });
    try {
      const info = await (await fetch(`${orch.url}/info`)).json();
      expect(info.capabilities).toMatchObject([
        { model_id: "other/model", warm: false, capacity: 0 },
        { model_id: TINY, warm: true, capacity: 1 },
      ]);
      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm("other/model") });
      expect(res.status).toBe(503);
      expect((await res.json()).detail.msg).toMatch(
        /^upscale model "other\/model" is not available: the runner serves upscale "tiny\/esrgan-x4", not upscale "other\/model" as its entry says; fix the entry's url or its pipeline and model_id; it is checked again within \d+ s$/,
      );
    } finally {
      await orch.stop();
    }
  }, 30_000);

  it("takes no job for a runner that refuses its entry's token: not ready, no capacity, logged at start", async () => {
    const log = recordingLogger();
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: runnerUrl, token: "wrong", capacity: 2 }],
      modelsDir: models.dir,
      log,
    });
    try {
      const failed = log.lines.find((l) => l.msg === "runner failed to start");
      expect(failed?.error).toBe(
        `runner at ${runnerUrl} refused the orchestrator's token (401 to an empty POST /upscale), so every job would fail; set the entry's token to the runner's AUTH_TOKEN`,
      );
      const ready = await fetch(`${orch.url}/ready`);
      expect(ready.status).toBe(503);
      expect((await ready.json()).detail.msg).toBe(
        `no runner can take a job: upscale "${TINY}" reachable, but refuses the orchestrator's token`,
      );
      const info = await (await fetch(`${orch.url}/info`)).json();
      expect(info.capabilities[0]).toMatchObject({ model_id: TINY, warm: false, capacity: 0 });
      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(res.status).toBe(503);
      expect((await res.json()).detail.msg).toMatch(
        /^upscale model "tiny\/esrgan-x4" is not available: the runner refused the orchestrator's token \(401 to an empty POST \/upscale\), so every job would fail; set the entry's token to the runner's AUTH_TOKEN; it is checked again within \d+ s$/,
      );
    } finally {
      await orch.stop();
    }
  }, 30_000);

  it("says in /ready what a reachable runner of another model serves, not that it is unreachable", async () => {
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: "other/model", url: runnerUrl, token: "ext" }],
      modelsDir: models.dir,
    });
    try {
      const ready = await fetch(`${orch.url}/ready`);
      expect(ready.status).toBe(503);
      expect((await ready.json()).detail.msg).toBe(
        `no runner can take a job: upscale "other/model" reachable, but serves upscale "${TINY}"`,
      );
    } finally {
      await orch.stop();
    }
  }, 30_000);

  it("returns data URLs with X-Media-Delivery: data when so configured", async () => {
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: runnerUrl, token: "ext" }],
      modelsDir: models.dir,
      mediaDelivery: "data",
    });
    try {
      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(res.headers.get("x-media-delivery")).toBe("data");
      expect((await res.json()).images[0].url).toMatch(/^data:image\/png;base64,iVBOR/);
    } finally {
      await orch.stop();
    }
  }, 30_000);

  it("honours a job's X-Media-Delivery header over the setting, passing the runner's data URL on byte for byte", async () => {
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: runnerUrl, token: "ext", capacity: 2 }],
      modelsDir: models.dir,
    });
    const job = (headers: Record<string, string>) =>
      fetch(`${orch.url}/upscale`, { method: "POST", headers, body: upscaleForm(TINY, undefined, { seed: 7 }) });
    try {
      const direct = await fetch(`${runnerUrl}/upscale`, {
        method: "POST",
        headers: { authorization: "Bearer ext" },
        body: upscaleForm(TINY, undefined, { seed: 7 }),
      });
      const runnerBody = await direct.text();
      const inline = await job({ "x-media-delivery": "data", "x-request-id": "inline-1" });
      expect(inline.status).toBe(200);
      expect(inline.headers.get("x-media-delivery")).toBe("data");
      expect(inline.headers.get("x-request-id")).toBe("inline-1");
      expect(inline.headers.get("content-type")).toBe("application/json");
      const inlineBody = await inline.text();
      // The runner's answer, url bytes included, as the orchestrator's own (same fields, same order).
      expect(inlineBody).toBe(runnerBody);
      expect(JSON.parse(inlineBody).images[0]).toMatchObject({ seed: 7, nsfw: false });

      for (const headers of [{}, { "x-media-delivery": "url" }] as Array<Record<string, string>>) {
        const stored = await job(headers);
        expect(stored.headers.get("x-media-delivery")).toBe("url");
        const { images } = await stored.json();
        expect(images[0].url).toMatch(new RegExp(`^${orch.url}/outputs/[A-Za-z0-9_-]{32}\\.png$`));
        const file = Buffer.from(await (await fetch(images[0].url)).arrayBuffer());
        expect(file.toString("base64")).toBe(JSON.parse(runnerBody).images[0].url.split(",")[1]);
      }

      const wrong = await job({ "x-media-delivery": "inline" });
      expect(wrong.status).toBe(422);
      expect(await wrong.json()).toEqual({
        detail: [
          {
            loc: ["header", "X-Media-Delivery"],
            msg: 'X-Media-Delivery must be one of "url", "data", got "inline"',
            type: expect.any(String),
          },
        ],
      });
    } finally {
      await orch.stop();
    }
  }, 30_000);

  it("answers inline by default when so configured, and as URLs when a job asks", async () => {
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: runnerUrl, token: "ext" }],
      modelsDir: models.dir,
      mediaDelivery: "data",
    });
    try {
      const res = await fetch(`${orch.url}/upscale`, {
        method: "POST",
        headers: { "x-media-delivery": "url" },
        body: upscaleForm(TINY),
      });
      expect(res.headers.get("x-media-delivery")).toBe("url");
      const { images } = await res.json();
      expect(pngSize(new Uint8Array(await (await fetch(images[0].url)).arrayBuffer()))).toEqual({
        width: 64,
        height: 64,
      });
    } finally {
      await orch.stop();
    }
  }, 30_000);

  it("cuts a job's call on an external runner that hangs mid-job once health checks find it down, and retries it", async () => {
    // A runner that stops answering anything (a hung process, a network that drops its packets) closes no
    // connection: without the cut, the job waited for runner-stall-timeout (120 s) or job-timeout.
    let hung = false;
    const held = new Set<http.ServerResponse>();
    const hanging = http.createServer((req, res) => {
      req.resume();
      held.add(res);
      if (hung) return;
      if (req.method !== "GET") {
        hung = true; // the job arrived: from now on, nothing is answered
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.url === "/health" ? JSON.stringify({ status: "OK" }) : "{}");
    });
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const log = recordingLogger();
    const orch = await startOrchestrator({
      models: [
        // Listed first, so the first job goes there; the real runner beside it takes the retry.
        { pipeline: "upscale", model_id: TINY, url: hangingUrl, token: "hung", capacity: 1 },
        { pipeline: "upscale", model_id: TINY, url: runnerUrl, token: "ext", capacity: 1 },
      ],
      modelsDir: models.dir,
      log,
    });
    try {
      const started = Date.now();
      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(res.status).toBe(200);
      expect(pngSize(new Uint8Array(await (await fetch((await res.json()).images[0].url)).arrayBuffer()))).toEqual({
        width: 64,
        height: 64,
      });
      // Two health checks of 3 s each, 0.5 s apart, find it down; far from runner-stall-timeout's 120 s.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(log.lines.find((l) => l.msg === "runner reached by URL is down; connecting again")).toMatchObject({
        calls_cut: 1,
      });
      expect(log.lines.find((l) => l.msg === "runner failed mid-job")?.error).toMatch(
        /^\[POST\] "\/upscale": no response from the runner: it was found down \(health check: unreachable\) while the call ran$/,
      );
      // With no other runner of the model, the cut call is a 503 the broadcaster retries elsewhere.
      await orch.stop();
      hung = false;
      const alone = await startOrchestrator({
        models: [{ pipeline: "upscale", model_id: TINY, url: hangingUrl, token: "hung" }],
        modelsDir: models.dir,
      });
      try {
        const cut = await fetch(`${alone.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
        expect(cut.status).toBe(503);
        expect((await cut.json()).detail.msg).toBe(
          'the runner of upscale model "tiny/esrgan-x4" does not answer; it is checked again within 1 s',
        );
      } finally {
        await alone.stop();
      }
    } finally {
      await orch.stop();
      for (const res of held) res.destroy();
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  }, 60_000);

  it("refuses jobs with 503 while an external runner is down, and uses it once the watchdog sees it up", async () => {
    const port = await freePort();
    const log = recordingLogger();
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: `http://127.0.0.1:${port}`, token: "late" }],
      modelsDir: models.dir,
      startTimeout: 1,
      log,
    });
    let late: ChildProcess | undefined;
    try {
      const down = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(down.status).toBe(503);
      const msg = (await down.json()).detail.msg;
      expect(msg).toMatch(
        /^upscale model "tiny\/esrgan-x4" is not available: the runner was not ready within 1000 ms: no answer \(.*ECONNREFUSED <address>\); it is checked again within \d+ s$/,
      );
      expect(down.headers.get("retry-after")).toMatch(/^\d+$/);
      // Not offered meanwhile: a broadcaster reading /info sends its jobs elsewhere.
      expect(orch.pool.capabilities()[0]).toMatchObject({ warm: false, capacity: 0 });
      // Tried at every health check (0.5 s here): the same failure is logged once, not at each.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(log.lines.filter((l) => l.msg === "runner failed to start")).toHaveLength(1);
      late = (await startExternalRunner(models.dir, "late", port)).child;
      await eventually(() => orch.pool.capabilities()[0]!.warm, 20_000, "external runner seen up");
      expect(orch.pool.capabilities()[0]!.capacity).toBe(1);
      const up = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(up.status).toBe(200);
    } finally {
      await orch.stop();
      late?.kill("SIGKILL");
    }
  }, 40_000);
});
