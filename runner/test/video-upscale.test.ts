/**
 * @module The streaming video upscaler on real videos (the packaged photo panned; lavfi clips in WebM, MOV and at a
 * variable frame rate) with the upscale pipeline's own worker code on a real ONNX session in this process (the tiny
 * ×4 model, tiled as `/upscale` tiles): frame count, timestamps and audio kept, every frame the model's result for
 * its own input frame, progress per frame, a bounded number of frames in flight, and cancellation and failures that
 * stop ffmpeg, remove the partial file and leave no process behind.
 */
import { stat } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { writePannedClip } from "../src/bench/video-clips.js";
import type { RgbImage } from "../src/image/decode.js";
import { modelPath } from "../src/models/layout.js";
import type { LoadedModel } from "../src/pipelines/contract.js";
import { upscaleWorker } from "../src/pipelines/upscale/worker.js";
import { type FrameUpscaler, upscaleVideo } from "../src/pipelines/video-upscale/upscale-video.js";
import { decodeVideo, probeVideo, runningFfmpegCount } from "../src/video/index.js";
import { NO_JOB_CONTROL } from "../src/worker/job-control.js";
import { modelsDir, waitFor } from "./helpers.js";
import { psnr } from "./psnr.js";
import {
  audioPacketsMd5,
  lavfiClip,
  leftovers,
  moovFirst,
  videoDir,
  videoPacketTimes,
  videoStream,
} from "./video-fixtures.js";

describe("video upscaling (tiny ×4 model, in-process worker code)", () => {
  let dir: Awaited<ReturnType<typeof videoDir>>;
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let loaded: LoadedModel<RgbImage, RgbImage>;
  /** The upscale pipeline's run, as the runner's worker does it (tiles of 32 px so frames are tiled). */
  const model: FrameUpscaler = async (rgb, width, height) =>
    ((await loaded.run({ width, height, pixels: rgb }, NO_JOB_CONTROL)).output as RgbImage).pixels;

  beforeAll(async () => {
    dir = await videoDir();
    models = await modelsDir(["tiny/esrgan-x4"]);
    loaded = await upscaleWorker.load({
      modelId: "tiny/esrgan-x4",
      modelPath: modelPath(models.dir, "tiny/esrgan-x4"),
      executionProvider: "cpu",
      intraOpThreads: 1,
      options: { tileSize: 32, tileOverlap: 4 },
      log: () => {},
    });
  });
  afterEach(async () => {
    expect(await leftovers(dir.dir)).toEqual([]);
    expect(runningFfmpegCount()).toBe(0);
  });
  afterAll(async () => {
    await loaded.release();
    await models.cleanup();
    await dir.cleanup();
  });

  it("upscales the panned photo: ×4 frames, same count and timestamps, audio untouched, progress per frame", async () => {
    const src = dir.path("pan.mp4");
    await writePannedClip(src, { side: 48, frames: 24, canvas: 160 }, { fps: "24", audioSeconds: 1 });
    const probe = await probeVideo(src);
    const out = dir.path("pan.x4.mp4");
    const progress: Array<{ stage: string; step: number; total: number }> = [];
    let running = 0;
    let peak = 0;
    const result = await upscaleVideo({
      probe,
      output: out,
      scale: 4,
      upscaleFrame: async (rgb, w, h) => {
        peak = Math.max(peak, ++running);
        try {
          return await model(rgb, w, h);
        } finally {
          running--;
        }
      },
      control: { progress: (p) => progress.push(p) },
    });
    expect(result).toEqual({ output: out, frames: 24, width: 192, height: 192, audio: "copied" });
    expect(progress).toEqual(Array.from({ length: 24 }, (_, i) => ({ stage: "upscale", step: i + 1, total: 24 })));
    // At most two frames were ever with the model (the default window): memory does not grow with the length.
    expect(peak).toBeLessThanOrEqual(2);
    expect(await videoStream(out)).toMatchObject({
      codec_name: "h264",
      pix_fmt: "yuv420p",
      width: "192",
      height: "192",
      nb_frames: "24",
    });
    expect(await moovFirst(out)).toBe(true);
    expect(await videoPacketTimes(out)).toEqual(await videoPacketTimes(src));
    expect(await audioPacketsMd5(out)).toBe(await audioPacketsMd5(src));

    // Each output frame is the model's result for its own input frame, not a neighbour's (the photo moves). The
    // tiny model adds random per-channel detail that 4:2:0 chroma cannot hold, hence ~23 dB against its own
    // frame, but 15-20 dB against the neighbours.
    const inputs: Uint8Array[] = [];
    for await (const f of decodeVideo(probe)) inputs.push(await model(f.rgb, f.width, f.height));
    const outputs: Uint8Array[] = [];
    for await (const f of decodeVideo(await probeVideo(out))) outputs.push(f.rgb);
    for (let i = 0; i < 24; i++) {
      const own = psnr(outputs[i]!, inputs[i]!);
      expect(own).toBeGreaterThan(21);
      for (const j of [i - 1, i + 1].filter((j) => j >= 0 && j < 24)) {
        expect(own).toBeGreaterThan(psnr(outputs[i]!, inputs[j]!) + 2);
      }
    }
  });

  const inputs: Array<[string, Parameters<typeof lavfiClip>[1]]> = [
    [
      "vp9-opus.webm",
      {
        size: "64x48",
        rate: "25",
        seconds: 1,
        audio: true,
        videoArgs: ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"],
        audioArgs: ["-c:a", "libopus"],
      },
    ],
    ["h264-aac.mov", { size: "64x48", rate: "30000/1001", seconds: 1, audio: true }],
    [
      "vfr.mp4",
      {
        size: "64x48",
        rate: "30",
        seconds: 1,
        audio: true,
        filter: "select='not(eq(mod(n\\,3)\\,1))'",
        videoArgs: ["-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast"],
      },
    ],
  ];
  it.each(inputs)("upscales %s keeping its frames, timestamps and audio", async (name, clip) => {
    const src = await lavfiClip(dir.path(name), clip);
    const probe = await probeVideo(src);
    const out = dir.path(`${name}.x4.mp4`);
    const result = await upscaleVideo({ probe, output: out, scale: 4, upscaleFrame: model });
    expect(result).toMatchObject({ frames: probe.video.frames, width: 256, height: 192, audio: "copied" });
    expect((await videoStream(out)).nb_frames).toBe(String(probe.video.frames));
    expect(await videoPacketTimes(out)).toEqual(await videoPacketTimes(src));
    expect(await audioPacketsMd5(out)).toBe(await audioPacketsMd5(src));
  });

  describe("stops cleanly", () => {
    let probe: Awaited<ReturnType<typeof probeVideo>>;
    beforeAll(async () => {
      probe = await probeVideo(await lavfiClip(dir.path("ten.mp4"), { size: "64x48", seconds: 10, audio: true }));
    });
    const gone = async (file: string) => expect(stat(file)).rejects.toThrow(/ENOENT/);

    it("when the job's abort flag is set between frames", async () => {
      const out = dir.path("flag.mp4");
      const control = {
        aborted: false,
        progress(p: { step: number }) {
          if (p.step === 3) control.aborted = true;
        },
      };
      let calls = 0;
      const job = upscaleVideo({
        probe,
        output: out,
        scale: 4,
        control,
        upscaleFrame: (rgb, w, h) => {
          calls++;
          return model(rgb, w, h);
        },
      });
      await expect(job).rejects.toThrow(/the video job was cancelled/);
      expect(calls).toBeLessThanOrEqual(3 + 2);
      await gone(out);
    });

    it("kills ffmpeg at once, before waiting for the frames still with the model", async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      const control = {
        aborted: false,
        progress(p: { step: number }) {
          if (p.step === 2) control.aborted = true;
        },
      };
      let calls = 0;
      const job = upscaleVideo({
        probe,
        output: dir.path("held.mp4"),
        scale: 4,
        control,
        // Frame 3 stays with the "model" until released.
        upscaleFrame: async (rgb, w, h) => {
          const out = await model(rgb, w, h);
          if (calls++ === 2) await held;
          return out;
        },
      });
      const settled = job.catch((e: unknown) => e);
      await waitFor(() => control.aborted && runningFfmpegCount() === 0, 20_000, "ffmpeg to be killed");
      release();
      expect(await settled).toMatchObject({ message: "the video job was cancelled" });
    });

    it("with the control's own error when it has throwIfAborted", async () => {
      class JobAbortedError extends Error {}
      let stop = false;
      const control = {
        progress(p: { step: number }) {
          if (p.step === 2) stop = true;
        },
        throwIfAborted: () => {
          if (stop) throw new JobAbortedError("job 7 aborted");
        },
      };
      await expect(
        upscaleVideo({ probe, output: dir.path("own.mp4"), scale: 4, control, upscaleFrame: model }),
      ).rejects.toBeInstanceOf(JobAbortedError);
      await gone(dir.path("own.mp4"));
    });

    it("when its signal aborts mid-frame (ffmpeg is killed at once)", async () => {
      const ac = new AbortController();
      const reason = new Error("client closed the connection");
      let calls = 0;
      const job = upscaleVideo({
        probe,
        output: dir.path("signal.mp4"),
        scale: 4,
        signal: ac.signal,
        upscaleFrame: async (rgb, w, h) => {
          // While the third frame is with the model, both ffmpeg processes are running.
          if (++calls === 3) {
            expect(runningFfmpegCount()).toBe(2);
            ac.abort(reason);
          }
          return model(rgb, w, h);
        },
      });
      await expect(job).rejects.toBe(reason);
      await gone(dir.path("signal.mp4"));
    });

    it("when a frame fails, or comes back the wrong size", async () => {
      let budget = 4;
      const failing: FrameUpscaler = async (rgb, w, h) => {
        if (--budget < 0) throw new Error("the worker ran out of memory");
        return model(rgb, w, h);
      };
      await expect(
        upscaleVideo({ probe, output: dir.path("fail.mp4"), scale: 4, upscaleFrame: failing }),
      ).rejects.toThrow("the worker ran out of memory");
      await gone(dir.path("fail.mp4"));
      const wrong: FrameUpscaler = async (rgb) => rgb;
      await expect(
        upscaleVideo({ probe, output: dir.path("wrong.mp4"), scale: 4, upscaleFrame: wrong }),
      ).rejects.toThrow("upscaleFrame returned 9216 bytes for frame 1; a ×4 64×48 frame is 147456");
      await gone(dir.path("wrong.mp4"));
    });
  });
});
