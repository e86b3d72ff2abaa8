/**
 * @module `POST /frame-interpolation`'s refusals on a real runner server with `tiny/film`
 * (frame-interpolation-harness.ts): every bad request gets its 4xx naming what is allowed, before any frame is
 * decoded where the request alone shows it; a client hang-up stops the job; the runner keeps serving, and no ffmpeg
 * child or scratch directory is left.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TINY_FILM_TORCH, tinyFilmModel } from "../src/models/factory/film-tiny.js";
import { startRunnerServer } from "../src/server/serve.js";
import {
  expectLevels,
  filmRouteServer,
  flat,
  flatPng,
  frameLevels,
  H,
  probeDuration,
  readBytes,
  scratchDirs,
  W,
} from "./frame-interpolation-harness.js";
import { memoryLogger, testConfig, waitFor } from "./helpers.js";
import { hangUpAtStep } from "./sse.js";
import { ffmpeg, ffmpegChildren, losslessRgbVideo, videoDir, videoStream } from "./video-fixtures.js";

describe("POST /frame-interpolation (real server, tiny/film): bad requests get a 4xx saying what is allowed", () => {
  const fi = filmRouteServer();
  const { post, mp4Of, longClip, msg } = fi;

  it("neither, both, or half a pair of sources", async () => {
    let res = await post({ output_fps: "24" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toBe("send a video, or two images as first_image and last_image");
    res = await post({ video: await readBytes(fi.clip), first_image: await flatPng(0), output_fps: "24" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toBe("send either video or first_image + last_image, not both");
    res = await post({ first_image: await flatPng(0), output_fps: "24" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toContain("last_image is missing");
  });

  it("not exactly one of output_fps, multiplier, times_to_interpolate", async () => {
    let res = await post({ video: await readBytes(fi.clip) });
    expect(res.status).toBe(400);
    expect(await msg(res)).toBe("give exactly one of output_fps, multiplier and times_to_interpolate; got none");
    res = await post({ video: await readBytes(fi.clip), output_fps: "24", multiplier: "2" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toContain("got output_fps and multiplier");
  });

  it("out-of-range numbers are 422", async () => {
    const cases: Array<Record<string, string>> = [
      { multiplier: "1" },
      { output_fps: "0" },
      { times_to_interpolate: "7" },
    ];
    for (const fields of cases) {
      const res = await post({ video: await readBytes(fi.clip), ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(422);
    }
  });

  it("a target fps below the source's", async () => {
    const res = await post({ video: await readBytes(fi.clip), output_fps: "5" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toBe(
      "output_fps 5 is below the source's 8 fps; frame interpolation only raises the frame rate",
    );
  });

  it("a source rate below 0.0001 fps, in every form of the rate, before the images are decoded", async () => {
    const pair = { first_image: await flatPng(0), last_image: await flatPng(200) };
    const rates: Array<Record<string, string>> = [
      { times_to_interpolate: "1" },
      { multiplier: "2" },
      { output_fps: "24" },
    ];
    for (const source_fps of ["1e-6", "1e-10", "1e-300", "0.00001", "0.000099"]) {
      for (const rate of rates) {
        const res = await post({ ...pair, source_fps, ...rate });
        expect(res.status, `${source_fps} ${JSON.stringify(rate)}`).toBe(400);
        expect(await msg(res)).toBe(
          `source_fps must be at least 0.0001 fps (one frame per 10000 s); got ${Number(source_fps)}`,
        );
      }
    }
    // Checked before the images are decoded: a broken PNG does not get as far as its 400.
    const brokenPng = Buffer.concat([(await flatPng(200)).subarray(0, 40), Buffer.from("not the rest of a PNG")]);
    let res = await post({ ...pair, last_image: brokenPng, source_fps: "1e-6", multiplier: "2" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toBe("source_fps must be at least 0.0001 fps (one frame per 10000 s); got 0.000001");
    // An image of the wrong type is refused from its first bytes, as they arrive: before the fields after it are read.
    res = await post({ ...pair, last_image: Buffer.from("GIF89a-ish"), source_fps: "1e-6", multiplier: "2" });
    expect(res.status).toBe(415);
    expect(await msg(res)).toBe(
      "last_image must be a PNG, JPEG or WebP file; its bytes start with 47 49 46 38 39 61 2d 69",
    );
    // 0.0001 fps itself is served: two images 10,000 s apart, doubled, are 4 frames at 1/5000 fps over 20,000 s.
    let file = await mp4Of(await post({ ...pair, source_fps: "0.0001", multiplier: "2" }), "slowest.mp4");
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "1/5000", nb_frames: "4" });
    expect(Number(await probeDuration(file))).toBeCloseTo(20_000, 3);
    expectLevels(await frameLevels(file), [0, 100, 200, 200]);
    file = await mp4Of(await post({ ...pair, source_fps: "0.0001", times_to_interpolate: "1" }), "slowest-k1.mp4");
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "1/5000", nb_frames: "3" });
  });

  it("an output rate over 240 fps from multiplier or times_to_interpolate, for images and videos", async () => {
    const pair = { first_image: await flatPng(0), last_image: await flatPng(200) };
    const above = "is above 240 fps, the most this runner writes";
    const cases: Array<[Record<string, string | Buffer>, string]> = [
      [
        { ...pair, source_fps: "240", multiplier: "2" },
        `the output rate, source_fps × multiplier = 240 × 2 = 480 fps, ${above}`,
      ],
      [
        { ...pair, source_fps: "240", times_to_interpolate: "6" },
        `the output rate, source_fps × 2^times_to_interpolate = 240 × 2^6 = 15360 fps, ${above}`,
      ],
      [
        { video: await readBytes(fi.clip), multiplier: "64" },
        `the output rate, the video's frame rate × multiplier = 8 × 64 = 512 fps, ${above}`,
      ],
      [
        { video: await readBytes(fi.clip), times_to_interpolate: "5" },
        `the output rate, the video's frame rate × 2^times_to_interpolate = 8 × 2^5 = 256 fps, ${above}`,
      ],
    ];
    for (const [fields, expected] of cases) {
      const res = await post(fields);
      expect(res.status, expected).toBe(400);
      expect(await msg(res)).toBe(expected);
    }
    const fast = await losslessRgbVideo(fi.dir.path("fast.mp4"), [flat(0), flat(9), flat(18)], W, H, 250);
    const res = await post({ video: await readBytes(fast), output_fps: "240" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toBe("the video's frame rate must be at most 240 fps, the most this runner writes; got 250");
  });

  it("more output frames than the budget, refused before any decoding", async () => {
    const res = await post({ video: await readBytes(await longClip()), output_fps: "240" });
    expect(res.status).toBe(413);
    expect(await msg(res)).toBe(
      "interpolating 70 frames at 8 fps to 240 fps makes 2100 output frames; at most 2000 output frames are allowed per job",
    );
  });

  it("a one-frame video", async () => {
    const one = await losslessRgbVideo(fi.dir.path("one.mp4"), [flat(9)], W, H, 8);
    const res = await post({ video: await readBytes(one), output_fps: "24" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toBe("frame interpolation needs at least 2 frames, got 1");
  });

  it("a video that is not a video, and a broken image", async () => {
    let res = await post({ video: new TextEncoder().encode("hello, not a video at all"), output_fps: "24" });
    expect(res.status).toBe(415);
    res = await post({ video: await flatPng(5), output_fps: "24" });
    expect(res.status).toBe(415);
    expect(await msg(res)).toContain("for two images, send first_image and last_image");
    res = await post({ first_image: await flatPng(0), last_image: Buffer.from("GIF89a-ish"), output_fps: "24" });
    expect(res.status).toBe(415);
    expect(await msg(res)).toContain("last_image must be a PNG, JPEG or WebP file");
  });

  it("images over a video frame's pixel limit (MAX_VIDEO_INPUT_PIXELS), as a video's frames would be", async () => {
    // 1296×720 = 933120 px: under the image limit (MAX_INPUT_PIXELS 4194304), over the video frame limit (921600).
    const res = await post({
      first_image: await flatPng(0, 1296, 720),
      last_image: await flatPng(0, 1296, 720),
      output_fps: "24",
    });
    expect(res.status).toBe(413);
    expect(await msg(res)).toBe("first_image is 1296×720 = 933120 px; this runner accepts at most 921600 px");
  });

  it("a video too wide for an H.264 frame, though within the pixel limits: 413 from the probe", async () => {
    // 16400×16 = 262400 px a frame (the limit is 921600), but x264 makes frames of at most 16384 px a side.
    const wide = fi.dir.path("wide.mkv");
    await ffmpeg(["-f", "lavfi", "-i", "color=s=16400x16:d=0.25:r=8", "-c:v", "ffv1", wide]);
    const res = await post({ video: await readBytes(wide), multiplier: "2" });
    expect(res.status).toBe(413);
    expect(await msg(res)).toMatch(
      /^video has 16400×16 px frames; an H\.264 frame is at most 16384 px wide and 16384 px tall, so send frames of at most 16384 px a side; this runner takes videos of /,
    );
  });

  it("images of different sizes", async () => {
    const res = await post({ first_image: await flatPng(0), last_image: await flatPng(0, 32, 24), output_fps: "24" });
    expect(res.status).toBe(400);
    expect(await msg(res)).toBe(
      "first_image is 40×24 px and last_image is 32×24 px; the two images must have the same size",
    );
  });

  it("a client hang-up stops the job at its next frame: ffmpeg killed, scratch removed, the slot free", async () => {
    const subscribed = fetch(`${fi.server.url}/progress/fi-cancel`);
    await waitFor(() => fi.server.runner.progress.waitingFor("fi-cancel") === 1, 10_000, "the subscriber to wait");
    const form = new FormData();
    form.append("video", new Blob([new Uint8Array(await readBytes(await longClip()))]), "long.mp4");
    form.append("output_fps", "200");
    const seen = await hangUpAtStep(subscribed, `${fi.server.url}/frame-interpolation`, {
      method: "POST",
      headers: { "x-request-id": "fi-cancel" },
      body: form,
    });
    const steps = seen.filter((e) => e.event === "progress").map((e) => Number(e.data.step));
    expect(Math.max(...steps)).toBeGreaterThanOrEqual(3);
    // 70 frames at 8 fps to 200 fps is 1750 output frames: the job stopped long before them.
    expect(Math.max(...steps)).toBeLessThan(1750);
    expect(seen.find((e) => e.event === "progress")?.data).toMatchObject({ stage: "interpolate", total: 1750 });
    await waitFor(async () => (await ffmpegChildren()).length === 0, 10_000, "ffmpeg to be gone");
    await waitFor(
      async () => (await scratchDirs()).every((d) => fi.scratchBefore.includes(d)),
      10_000,
      "the scratch directory to be removed",
    );
  });

  it("frames larger than a fixed-size export: 413 before any frame is interpolated", async () => {
    const fixedDir = await videoDir();
    const modelDir = join(fixedDir.dir, "test", "fixed-film");
    await mkdir(modelDir, { recursive: true });
    await writeFile(
      join(modelDir, "model.onnx"),
      tinyFilmModel({ ...TINY_FILM_TORCH, fixedSize: { width: 32, height: 32 } }),
    );
    const manifest = { model_id: "test/fixed-film", pipeline: "frame-interpolation", tiny: true, source: "test" };
    await writeFile(join(modelDir, "avs-model.json"), JSON.stringify(manifest));
    const fixed = await startRunnerServer(
      testConfig(fixedDir.dir, { pipeline: "frame-interpolation", modelId: "test/fixed-film" }),
      memoryLogger(),
    );
    try {
      await fixed.runner.ready;
      const form = new FormData();
      form.append("video", new Blob([new Uint8Array(await readBytes(fi.clip))]), "clip.mp4");
      form.append("multiplier", "2");
      const res = await fetch(`${fixed.url}/frame-interpolation`, { method: "POST", body: form });
      expect(res.status).toBe(413);
      expect(await msg(res)).toMatch(/40×24.*32×32/);
    } finally {
      await fixed.stop();
      await fixedDir.cleanup();
    }
  });

  it("keeps serving after them", async () => {
    const res = await post({ video: await readBytes(fi.clip), multiplier: "2" });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
});
