/**
 * @module Frame interpolation's cross-field rules at the gateway (source: a video or the image pair, never both;
 * exactly one of output_fps, multiplier, times_to_interpolate): a request that breaks them gets the runner's 400
 * and words without costing an orchestrator attempt (the FAKE orchestrator, a real HTTP server on 127.0.0.1, counts
 * the jobs it gets).
 */
import { describe, expect, it } from "vitest";
import { closedAfterEach, startBroadcaster } from "./support/broadcaster.js";
import { PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const open = closedAfterEach();
const VIDEO = new Blob([Buffer.alloc(2000, 1)], { type: "video/mp4" });
const IMAGE = new Blob([PNG_1X1], { type: "image/png" });

describe("frame interpolation's source and rate rules", () => {
  it("refuses what the runner would, before any orchestrator is asked, and passes a good request", async () => {
    const fake = await startFakeOrchestrator([{ pipeline: "frame-interpolation", model_id: "film" }]);
    open.push(fake);
    const t = await startBroadcaster({ orchestrators: [fake.url] });
    open.unshift(t);
    const send = (parts: Record<string, string | Blob>) => {
      const form = new FormData();
      form.append("model_id", "film");
      for (const [k, v] of Object.entries(parts)) {
        if (typeof v === "string") form.append(k, v);
        else form.append(k, v, k === "video" ? "in.mp4" : "in.png");
      }
      return fetch(`${t.url}/frame-interpolation`, { method: "POST", body: form });
    };
    const cases: Array<[Record<string, string | Blob>, string]> = [
      [{ multiplier: "2" }, "send a video, or two images as first_image and last_image"],
      [
        { first_image: IMAGE, multiplier: "2" },
        "last_image is missing: the two-image form needs first_image and last_image",
      ],
      [
        { video: VIDEO, first_image: IMAGE, last_image: IMAGE, multiplier: "2" },
        "send either video or first_image + last_image, not both",
      ],
      [{ video: VIDEO }, "give exactly one of output_fps, multiplier and times_to_interpolate; got none"],
      [
        { video: VIDEO, multiplier: "2", output_fps: "24" },
        "give exactly one of output_fps, multiplier and times_to_interpolate; got output_fps and multiplier",
      ],
    ];
    for (const [parts, msg] of cases) {
      const res = await send(parts);
      expect([res.status, await res.json()]).toEqual([400, { detail: { msg } }]);
    }
    expect(fake.jobs).toHaveLength(0);
    expect((await send({ video: VIDEO, multiplier: "2" })).status).toBe(200);
    expect(fake.jobs).toHaveLength(1);
  }, 20_000);
});
