/** @module Start-up errors of createOrchestrator: each names the entry or setting and what is allowed. */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/index.js";
import { createOrchestrator } from "../src/orchestrator.js";

const quiet = { log: silentLogger, modelsDir: "/nonexistent-models" };

describe("createOrchestrator refuses bad configuration", () => {
  it("names the first warm entry that does not fit on the devices", async () => {
    await expect(
      createOrchestrator({
        ...quiet,
        models: [
          { pipeline: "upscale", model_id: "a", warm: true },
          { pipeline: "upscale", model_id: "b", warm: true },
        ],
        gpus: "0",
      }),
    ).rejects.toThrow(
      'aiModels.json entry 1 (upscale "b"): 2 warm runners do not fit on 1 GPU(s) with runners-per-gpu 1 (1 runner(s) at once)',
    );
  });

  it("refuses to start without a usable ffmpeg when a model needs mp4 encoding, saying how to install it", async () => {
    const video = [{ pipeline: "image-to-video", model_id: "tiny/svd" }];
    await expect(createOrchestrator({ ...quiet, models: video, ffmpeg: "/nonexistent/ffmpeg" })).rejects.toThrow(
      /^image-to-video needs ffmpeg with libx264 to encode the mp4, but "\/nonexistent\/ffmpeg" cannot be used \(spawnSync \/nonexistent\/ffmpeg ENOENT\); install it \(Debian\/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg\) or point --ffmpeg \(AVS_ORCHESTRATOR_FFMPEG\) at it$/,
    );
    // `false` runs and fails: not an ffmpeg either.
    await expect(createOrchestrator({ ...quiet, models: video, ffmpeg: "false" })).rejects.toThrow(
      /\(it exited with 1\)/,
    );
    // Models that never encode video do not need it.
    const images = await createOrchestrator({
      ...quiet,
      models: [{ pipeline: "upscale", model_id: "a" }],
      ffmpeg: "/nonexistent/ffmpeg",
    });
    await images.stop();
  });

  it("names the model list file in entry errors", async () => {
    await expect(
      createOrchestrator({ ...quiet, models: [{ pipeline: "upscale" }], modelsSource: "/etc/avs/aiModels.json" }),
    ).rejects.toThrow("/etc/avs/aiModels.json entry 0 (upscale): model_id must be a non-empty string, got nothing");
  });

  it("refuses an unknown launcher and bad GPU lists", async () => {
    const models = [{ pipeline: "upscale", model_id: "a" }];
    await expect(createOrchestrator({ ...quiet, models, launcher: "k8s" as never })).rejects.toThrow(
      'launcher must be process or docker, got "k8s"',
    );
    await expect(createOrchestrator({ ...quiet, models, gpus: "0,a b" })).rejects.toThrow(
      'gpus must be GPU ids separated by commas (0,1), got "a b"',
    );
    await expect(createOrchestrator({ ...quiet, models, runnersPerGpu: 0 })).rejects.toThrow(
      "runners-per-gpu must be a whole number from 1 to 64, got 0",
    );
  });
});
