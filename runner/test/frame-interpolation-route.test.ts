/**
 * @module `POST /frame-interpolation` on a real runner server with `tiny/film` (which computes (1−t)·x0 + t·x1) in
 * the inference worker: flat grey source frames make every output frame's level tell which pair and which `t` made
 * it, so frame order, timestamps and `t` values are checked exactly (within the H.264 round trip) for a target fps,
 * a multiplier, recursive midpoints and the two-image form; fps and duration through ffprobe. Every bad request
 * gets its 4xx naming what is allowed, the runner keeps serving, and no ffmpeg child or scratch dir is left.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TINY_FILM_TORCH, tinyFilmModel } from "../src/models/factory/film-tiny.js";
import { type RunnerServer, startRunnerServer } from "../src/server/serve.js";
import { memoryLogger, modelsDir, testConfig, waitFor } from "./helpers.js";
import { readEvents } from "./sse.js";
import {
  ffmpeg,
  ffmpegChildren,
  losslessRgbVideo,
  moovFirst,
  videoDir,
  videoPacketTimes,
  videoStream,
} from "./video-fixtures.js";

const exec = promisify(execFile);
const [W, H] = [40, 24];

const scratchDirs = async () => (await readdir(tmpdir())).filter((n) => n.startsWith("avs-frame-interpolation-"));

const flat = (level: number) => new Uint8Array(W * H * 3).fill(level);
const flatPng = (level: number, w = W, h = H) =>
  sharp(Buffer.alloc(w * h * 3, level), { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();

/** The mean level of each frame of an mp4 (decoded to RGB by ffmpeg). */
async function frameLevels(file: string): Promise<number[]> {
  const raw = await ffmpeg(["-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]);
  const size = W * H * 3;
  const levels: number[] = [];
  for (let i = 0; i < raw.length; i += size) {
    let sum = 0;
    for (let k = i; k < i + size; k++) sum += raw[k]!;
    levels.push(sum / size);
  }
  return levels;
}

/** The expected levels of a plan over flat source levels: source ⌊p⌋ blended towards the next by t = p − ⌊p⌋. */
const blend = (levels: number[], positions: number[]) =>
  positions.map((p) => {
    const s = Math.min(Math.floor(p), levels.length - 1);
    const t = s === levels.length - 1 ? 0 : p - s;
    return Math.round((1 - t) * levels[s]! + t * (levels[s + 1] ?? 0));
  });

/** Each frame's level within 2 of the blend's (the H.264 yuv420p round trip moves a flat level by at most 1). */
function expectLevels(levels: number[], expected: number[]) {
  expect(levels).toHaveLength(expected.length);
  for (const [j, l] of levels.entries()) {
    expect(Math.abs(l - expected[j]!), `frame ${j}: level ${l}, expected ${expected[j]}`).toBeLessThan(2);
  }
}

describe("POST /frame-interpolation (real server, tiny/film)", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let dir: Awaited<ReturnType<typeof videoDir>>;
  let server: RunnerServer;
  let clip: string;
  let scratchBefore: string[];
  const LEVELS = [0, 60, 120, 240];

  const post = async (fields: Record<string, string | Uint8Array | Buffer>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v === "string") form.append(k, v);
      else form.append(k, new Blob([v as Uint8Array<ArrayBuffer>]), k);
    }
    return fetch(`${server.url}/frame-interpolation`, { method: "POST", body: form });
  };
  /** The answer's mp4, written to a file. */
  const mp4Of = async (res: Response, name: string) => {
    expect(res.status).toBe(200);
    const body = (await res.json()) as { images: Array<{ url: string; seed: number; nsfw: boolean }> };
    expect(body.images).toHaveLength(1);
    const [prefix, data] = body.images[0]!.url.split(",", 2);
    expect(prefix).toBe("data:video/mp4;base64");
    const file = dir.path(name);
    await writeFile(file, Buffer.from(data!, "base64"));
    return file;
  };
  let long: string | undefined;
  /** 70 flat frames at 8 fps (written once). */
  const longClip = async () =>
    (long ??= await losslessRgbVideo(
      dir.path("long.mp4"),
      Array.from({ length: 70 }, (_, i) => flat((i * 3) % 256)),
      W,
      H,
      8,
    ));
  const msg = async (res: Response) => ((await res.json()) as { detail: { msg: string } }).detail.msg;

  beforeAll(async () => {
    models = await modelsDir(["tiny/film"]);
    dir = await videoDir();
    scratchBefore = await scratchDirs();
    server = await startRunnerServer(
      testConfig(models.dir, {
        pipeline: "frame-interpolation",
        modelId: "tiny/film",
        maxOutputFrames: 2000,
        progressWaitMs: 10_000,
      }),
      memoryLogger(),
    );
    await server.runner.ready;
    clip = await losslessRgbVideo(
      dir.path("grey.mp4"),
      LEVELS.map((l) => flat(l)),
      W,
      H,
      8,
    );
  });
  afterEach(async () => {
    expect(await ffmpegChildren()).toEqual([]);
    expect((await scratchDirs()).filter((d) => !scratchBefore.includes(d))).toEqual([]);
  });
  afterAll(async () => {
    await server?.stop();
    await models?.cleanup();
    await dir?.cleanup();
  });

  it("/info shows the video limits with the output frame budget", async () => {
    const info = (await (await fetch(`${server.url}/info`)).json()) as {
      pipeline: string;
      video_limits: Record<string, number>;
    };
    expect(info.pipeline).toBe("frame-interpolation");
    expect(info.video_limits.max_output_frames).toBe(2000);
    expect(info.video_limits.max_frames).toBe(3600);
  });

  it("output_fps: 4 frames at 8 fps → 10 frames at 20 fps, each at its exact t, duration kept", async () => {
    const file = await mp4Of(await post({ video: await readBytes(clip), output_fps: "20", seed: "7" }), "to20.mp4");
    const stream = await videoStream(file);
    expect(stream).toMatchObject({ codec_name: "h264", pix_fmt: "yuv420p", r_frame_rate: "20/1", nb_frames: "10" });
    expect(await moovFirst(file)).toBe(true);
    expect((await videoPacketTimes(file)).map(Number)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]);
    const duration = Number(await probeDuration(file));
    expect(duration).toBeCloseTo(0.5, 3);
    // Output frame j sits at source position 0.4 j; past the last source frame (3) the last frame is held.
    const expected = blend(
      LEVELS,
      Array.from({ length: 10 }, (_, j) => 0.4 * j),
    );
    const levels = await frameLevels(file);
    expect(levels).toHaveLength(10);
    expectLevels(levels, expected);
  });

  it("multiplier 2 doubles the rate: source frames passed through, midpoints between", async () => {
    const file = await mp4Of(await post({ video: await readBytes(clip), multiplier: "2" }), "x2.mp4");
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "16/1", nb_frames: "8" });
    const expected = blend(
      LEVELS,
      Array.from({ length: 8 }, (_, j) => j / 2),
    );
    const levels = await frameLevels(file);
    expectLevels(levels, expected);
  });

  it("two images + times_to_interpolate 2: 5 frames at 4× the source rate, by recursive midpoints", async () => {
    const file = await mp4Of(
      await post({
        first_image: await flatPng(0),
        last_image: await flatPng(200),
        source_fps: "2",
        times_to_interpolate: "2",
      }),
      "pair.mp4",
    );
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "8/1", nb_frames: "5" });
    expect((await videoPacketTimes(file)).map(Number)).toEqual([0, 0.125, 0.25, 0.375, 0.5]);
    const levels = await frameLevels(file);
    expectLevels(levels, [0, 50, 100, 150, 200]);
  });

  it("two images + output_fps: the pair spans 1 / source_fps and the duration is kept", async () => {
    const file = await mp4Of(
      await post({ first_image: await flatPng(0), last_image: await flatPng(240), output_fps: "6" }),
      "pair6.mp4",
    );
    // 2 frames at 1 fps last 2 s: 12 frames at 6 fps, t = j / 6 for the first 6, then the last image held.
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "6/1", nb_frames: "12" });
    const expected = blend(
      [0, 240],
      Array.from({ length: 12 }, (_, j) => j / 6),
    );
    const levels = await frameLevels(file);
    expectLevels(levels, expected);
  });

  describe("bad requests get a 4xx saying what is allowed", () => {
    it("neither, both, or half a pair of sources", async () => {
      let res = await post({ output_fps: "24" });
      expect(res.status).toBe(400);
      expect(await msg(res)).toBe("send a video, or two images as first_image and last_image");
      res = await post({ video: await readBytes(clip), first_image: await flatPng(0), output_fps: "24" });
      expect(res.status).toBe(400);
      expect(await msg(res)).toBe("send either video or first_image + last_image, not both");
      res = await post({ first_image: await flatPng(0), output_fps: "24" });
      expect(res.status).toBe(400);
      expect(await msg(res)).toContain("last_image is missing");
    });

    it("not exactly one of output_fps, multiplier, times_to_interpolate", async () => {
      let res = await post({ video: await readBytes(clip) });
      expect(res.status).toBe(400);
      expect(await msg(res)).toBe("give exactly one of output_fps, multiplier and times_to_interpolate; got none");
      res = await post({ video: await readBytes(clip), output_fps: "24", multiplier: "2" });
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
        const res = await post({ video: await readBytes(clip), ...fields });
        expect(res.status, JSON.stringify(fields)).toBe(422);
      }
    });

    it("a target fps below the source's", async () => {
      const res = await post({ video: await readBytes(clip), output_fps: "5" });
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
      // Checked before the images are decoded: a broken image does not get as far as its 415.
      const res = await post({ ...pair, last_image: Buffer.from("GIF89a-ish"), source_fps: "1e-6", multiplier: "2" });
      expect(res.status).toBe(400);
      expect(await msg(res)).toBe("source_fps must be at least 0.0001 fps (one frame per 10000 s); got 0.000001");
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
          { video: await readBytes(clip), multiplier: "64" },
          `the output rate, the video's frame rate × multiplier = 8 × 64 = 512 fps, ${above}`,
        ],
        [
          { video: await readBytes(clip), times_to_interpolate: "5" },
          `the output rate, the video's frame rate × 2^times_to_interpolate = 8 × 2^5 = 256 fps, ${above}`,
        ],
      ];
      for (const [fields, expected] of cases) {
        const res = await post(fields);
        expect(res.status, expected).toBe(400);
        expect(await msg(res)).toBe(expected);
      }
      const fast = await losslessRgbVideo(dir.path("fast.mp4"), [flat(0), flat(9), flat(18)], W, H, 250);
      const res = await post({ video: await readBytes(fast), output_fps: "240" });
      expect(res.status).toBe(400);
      expect(await msg(res)).toBe(
        "the video's frame rate must be at most 240 fps, the most this runner writes; got 250",
      );
    });

    it("more output frames than the budget, refused before any decoding", async () => {
      const res = await post({ video: await readBytes(await longClip()), output_fps: "240" });
      expect(res.status).toBe(413);
      expect(await msg(res)).toBe(
        "interpolating 70 frames at 8 fps to 240 fps makes 2100 output frames; at most 2000 output frames are allowed per job",
      );
    });

    it("a one-frame video", async () => {
      const one = await losslessRgbVideo(dir.path("one.mp4"), [flat(9)], W, H, 8);
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

    it("images of different sizes", async () => {
      const res = await post({ first_image: await flatPng(0), last_image: await flatPng(0, 32, 24), output_fps: "24" });
      expect(res.status).toBe(400);
      expect(await msg(res)).toBe(
        "first_image is 40×24 px and last_image is 32×24 px; the two images must have the same size",
      );
    });

    it("a client hang-up stops the job at its next frame: ffmpeg killed, scratch removed, the slot free", async () => {
      const subscribed = fetch(`${server.url}/progress/fi-cancel`);
      await waitFor(() => server.runner.progress.waitingFor("fi-cancel") === 1, 10_000, "the subscriber to wait");
      const client = new AbortController();
      const form = new FormData();
      form.append("video", new Blob([new Uint8Array(await readBytes(await longClip()))]), "long.mp4");
      form.append("output_fps", "200");
      const answer = fetch(`${server.url}/frame-interpolation`, {
        method: "POST",
        headers: { "x-request-id": "fi-cancel" },
        body: form,
        signal: client.signal,
      }).catch((err: Error) => err);
      const events = readEvents(await subscribed, (e) => {
        if (e.event === "progress" && Number(e.data.step) >= 3) client.abort();
      });
      expect(await answer).toBeInstanceOf(Error);
      const seen = await events;
      expect(seen.at(-1)?.event).toBe("end");
      const steps = seen.filter((e) => e.event === "progress").map((e) => Number(e.data.step));
      expect(Math.max(...steps)).toBeGreaterThanOrEqual(3);
      // 70 frames at 8 fps to 200 fps is 1750 output frames: the job stopped long before them.
      expect(Math.max(...steps)).toBeLessThan(1750);
      expect(seen.find((e) => e.event === "progress")?.data).toMatchObject({ stage: "interpolate", total: 1750 });
      await waitFor(async () => (await ffmpegChildren()).length === 0, 10_000, "ffmpeg to be gone");
      await waitFor(
        async () => (await scratchDirs()).every((d) => scratchBefore.includes(d)),
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
        form.append("video", new Blob([new Uint8Array(await readBytes(clip))]), "clip.mp4");
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
      const res = await post({ video: await readBytes(clip), multiplier: "2" });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    });
  });
});

async function readBytes(file: string): Promise<Buffer> {
  const { readFile } = await import("node:fs/promises");
  return readFile(file);
}

async function probeDuration(file: string): Promise<string> {
  const { stdout } = await exec("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
  return stdout.trim();
}
