/**
 * @module A job without `model_id` through a real `avs-orchestrator` (and its real runner on the tiny upscaler): the
 * orchestrator still requires `model_id`, and takes the one the broadcaster chose, whether it went in a part in front
 * of the client's bytes (no `model_id` part) or in a re-encoded body (an empty one).
 */
import { form } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroadcaster, type TestBroadcaster } from "../support/broadcaster.js";
import { type OrchestratorProcess, png, pngSize, startOrchestratorProcess, workspace } from "../support/network.js";

const UPSCALE = "tiny/esrgan-x4";
const SECRET = "default-model-secret";

const ws = workspace();
let orchestrator: OrchestratorProcess;
let gateway: TestBroadcaster;

beforeAll(async () => {
  ws.install(UPSCALE);
  orchestrator = await startOrchestratorProcess(
    ws,
    [{ pipeline: "upscale", model_id: UPSCALE, warm: true, capacity: 1, price_per_unit: 1, pixels_per_unit: 1 }],
    { secret: SECRET },
  );
  gateway = await startBroadcaster({
    orchestrators: [orchestrator.url],
    orchestratorSecret: SECRET,
    logLevel: "warn",
    defaultModels: { upscale: UPSCALE },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await orchestrator?.stop();
  ws.cleanup();
}, 60_000);

describe("a job without model_id through a real orchestrator", () => {
  it("is a 422 at the orchestrator itself, whose spec requires model_id", async () => {
    const res = await fetch(`${orchestrator.url}/upscale`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}` },
      body: form({ prompt: "", image: png(16, 12) }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [{ loc: ["body", "model_id"], msg: "model_id is required", type: "missing" }],
    });
  });

  it.each([
    ["absent", {}],
    ["empty", { model_id: "" }],
  ])(
    "runs the gateway's default when model_id is %s: the ×4 image",
    async (_, fields) => {
      const res = await fetch(`${gateway.url}/upscale`, {
        method: "POST",
        body: form({ ...fields, prompt: "", image: png(16, 12) }),
      });
      expect(res.status).toBe(200);
      const { images } = (await res.json()) as { images: Array<{ url: string }> };
      const out = new Uint8Array(await (await fetch(images[0]!.url)).arrayBuffer());
      expect(pngSize(out)).toEqual({ width: 64, height: 48 });
    },
    60_000,
  );
});
