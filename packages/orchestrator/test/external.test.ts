/**
 * @module The external launcher: a runner started outside the orchestrator (here a real `avs-runner` process),
 * reached by URL and bearer token; and a bad external token surfacing as a clear 500.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/internal/free-port.js";
import { defaultRunnerCommand } from "../src/launchers/process-launcher.js";
import { eventually, modelsDir, pngSize, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

describe("external runners", () => {
  const models = modelsDir();
  let child: ChildProcess;
  let runnerUrl: string;
  beforeAll(async () => {
    const [node, bin] = defaultRunnerCommand() as [string, string];
    child = spawn(node, [bin], {
      env: {
        ...process.env,
        PIPELINE: "upscale",
        MODEL_ID: TINY,
        MODEL_DIR: models.dir,
        AUTH_TOKEN: "ext",
        PORT: "0",
        HOST: "127.0.0.1",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    runnerUrl = await new Promise<string>((resolve) => {
      child.stdout!.on("data", (d: Buffer) => {
        const m = /"msg":"listening".*?"port":(\d+)/.exec(d.toString());
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
    });
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

  it("reports a wrong external token as a 500 that says so", async () => {
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: runnerUrl, token: "wrong" }],
      modelsDir: models.dir,
    });
    try {
      const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        detail: { msg: `the runner of upscale model "${TINY}" refused the orchestrator's token` },
      });
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

  it("refuses jobs with 503 while an external runner is down, and uses it once the watchdog sees it up", async () => {
    const port = await freePort();
    const orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, url: `http://127.0.0.1:${port}`, token: "late" }],
      modelsDir: models.dir,
      startTimeout: 1,
    });
    const [node, bin] = defaultRunnerCommand() as [string, string];
    let late: ChildProcess | undefined;
    try {
      const down = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ detail: { msg: "insufficient capacity" } });
      late = spawn(node, [bin], {
        env: {
          ...process.env,
          PIPELINE: "upscale",
          MODEL_ID: TINY,
          MODEL_DIR: models.dir,
          AUTH_TOKEN: "late",
          PORT: String(port),
          HOST: "127.0.0.1",
        },
        stdio: "ignore",
      });
      await eventually(() => orch.pool.capabilities()[0]!.warm, 20_000, "external runner seen up");
      const up = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
      expect(up.status).toBe(200);
    } finally {
      await orch.stop();
      late?.kill("SIGKILL");
    }
  }, 40_000);
});
