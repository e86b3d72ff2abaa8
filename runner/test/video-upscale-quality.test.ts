import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pannedFrames, writePannedClip } from "../src/bench/video-clips.js";
import type { RgbImage } from "../src/image/decode.js";
import { modelPath } from "../src/models/layout.js";
import type { LoadedModel } from "../src/pipelines/contract.js";
import { upscaleWorker } from "../src/pipelines/upscale/worker.js";
import { upscaleVideo } from "../src/pipelines/video-upscale/upscale-video.js";
import { decodeVideo, probeVideo } from "../src/video/index.js";
import { NO_JOB_CONTROL } from "../src/worker/job-control.js";
import { modelsDir } from "./helpers.js";
import { psnrY } from "./psnr.js";
import { leftovers, losslessRgbVideo, videoDir } from "./video-fixtures.js";

const PAN = { side: 96, frames: 17 };
const MODEL = "upscalerjs/esrgan-slim-x4";

/** Mean PSNR-Y (4 px border cropped) of `frames` against the truth. */
function meanPsnrY(frames: Uint8Array[], truth: Uint8Array[]): number {
  const each = frames.map((f, i) => psnrY(f, truth[i]!, PAN.side, PAN.side, 4));
  return each.reduce((a, b) => a + b, 0) / each.length;
}

describe("video upscale quality (real weights, real photo)", () => {
  let dir: Awaited<ReturnType<typeof videoDir>>;
  let models: Awaited<ReturnType<typeof modelsDir>>;
  let loaded: LoadedModel<RgbImage, RgbImage>;

  beforeAll(async () => {
    dir = await videoDir();
    models = await modelsDir([MODEL]);
    loaded = await upscaleWorker.load({
      modelId: MODEL,
      modelPath: modelPath(models.dir, MODEL),
      executionProvider: "cpu",
      intraOpThreads: 0,
      options: { tileSize: 256, tileOverlap: 16 },
      log: () => {},
    });
  });
  afterAll(async () => {
    await loaded.release();
    await models.cleanup();
    expect(await leftovers(dir.dir)).toEqual([]);
    await dir.cleanup();
  });

  /** A cubic ×4 downscale with sharp, as the single-image test degrades the photo. */
  const shrink = async (rgb: Uint8Array) =>
    new Uint8Array(
      await sharp(Buffer.from(rgb), { raw: { width: PAN.side, height: PAN.side, channels: 3 } })
        .resize(PAN.side / 4, PAN.side / 4, { kernel: "cubic" })
        .raw()
        .toBuffer(),
    );

  const uploads: Array<[string, (file: string, truth: Uint8Array[]) => Promise<void>]> = [
    [
      "a typical upload (H.264 4:2:0, frames shrunk by ffmpeg's bicubic)",
      (file) => writePannedClip(file, { ...PAN, downscale: 4 }, { fps: "24" }),
    ],
    [
      "a lossless RGB upload of the frames degraded as the single-image test degrades the photo",
      async (file, truth) => {
        await losslessRgbVideo(file, await Promise.all(truth.map(shrink)), 24, 24, 24);
      },
    ],
  ];
  it.each(uploads)("beats bicubic by the image path's margin within 0.05 dB: %s", async (what, write) => {
    const model = async (rgb: Uint8Array, width: number, height: number) =>
      ((await loaded.run({ width, height, pixels: rgb }, NO_JOB_CONTROL)).output as RgbImage).pixels;
    const truth = await pannedFrames(PAN);
    const upload = dir.path(`${uploads.findIndex((u) => u[0] === what)}-small.mp4`);
    await write(upload, truth);
    const probe = await probeVideo(upload);
    expect(probe.video).toMatchObject({ width: 24, height: 24, frames: 17 });

    const out = `${upload}.x4.mp4`;
    await upscaleVideo({ probe, output: out, scale: 4, upscaleFrame: model });
    const video: Uint8Array[] = [];
    for await (const f of decodeVideo(await probeVideo(out))) video.push(f.rgb);

    const image: Uint8Array[] = [];
    const bicubic: Uint8Array[] = [];
    for await (const f of decodeVideo(probe)) {
      bicubic.push(
        new Uint8Array(
          await sharp(Buffer.from(f.rgb), { raw: { width: 24, height: 24, channels: 3 } })
            .resize(PAN.side, PAN.side, { kernel: "cubic" })
            .raw()
            .toBuffer(),
        ),
      );
      image.push(await model(f.rgb, f.width, f.height));
    }
    expect([video.length, image.length]).toEqual([17, 17]);

    const [v, i, b] = [meanPsnrY(video, truth), meanPsnrY(image, truth), meanPsnrY(bicubic, truth)];
    console.log(
      `PSNR-Y, panned photo, ${what} (17 frames, 24² → 96², slim ×4): video path ${v.toFixed(3)} dB, ` +
        `image path ${i.toFixed(3)} dB, bicubic ${b.toFixed(3)} dB; margins over bicubic: video ${(v - b).toFixed(3)} dB, ` +
        `image ${(i - b).toFixed(3)} dB`,
    );
    expect(v).toBeGreaterThan(b);
    expect(Math.abs(v - b - (i - b))).toBeLessThanOrEqual(0.05);
  });
});
