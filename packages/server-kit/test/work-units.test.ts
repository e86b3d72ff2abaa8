/** @module Work units from the spec's recipe: pixels × frames × steps × images, files sized from their headers. */
import { describe, expect, it } from "vitest";
import {
  encodePng,
  FALLBACK_PIXELS,
  interpolatedFrames,
  type MediaMeasure,
  mp4VideoSize,
  UploadedPart,
  workUnits,
} from "../src/index.js";
import { ffmpegFile, pattern, video } from "./ffmpeg-video.js";
import { FRAME_INTERPOLATION, TEXT_TO_IMAGE, UPSCALE, VIDEO_UPSCALE } from "./spec-recipes.js";

describe("workUnits", () => {
  it("counts output pixels × steps × images from fields", async () => {
    const body = { width: 512, height: 256, num_inference_steps: 4, num_images_per_prompt: 3 };
    expect(await workUnits(TEXT_TO_IMAGE, body)).toBe(512 * 256 * 4 * 3);
  });

  it("counts a constant frame count when the model, not the request, decides it (image-to-video)", async () => {
    const imageToVideo = {
      files: { image: "image" },
      units: { pixels: ["width", "height"], frames: 25, steps: "num_inference_steps" },
    } as const;
    expect(await workUnits(imageToVideo, { width: 1024, height: 576, num_inference_steps: 25 })).toBe(
      1024 * 576 * 25 * 25,
    );
  });

  it("counts an input image's pixels from its header", async () => {
    const image = new Blob([encodePng(40, 30, new Uint8Array(40 * 30 * 3))]);
    expect(await workUnits(UPSCALE, { image, num_inference_steps: 2 })).toBe(40 * 30 * 2);
  });

  it("counts an in-memory part's pixels whichever chunk its header ends in", async () => {
    const png = Buffer.from(encodePng(40, 30, new Uint8Array(40 * 30 * 3)));
    // A baseline JPEG whose SOF0 (height 0x0102, width 0x0304) follows a 100-byte APP0 segment.
    const jpeg = Buffer.concat([
      Buffer.of(0xff, 0xd8, 0xff, 0xe0, 0, 102),
      Buffer.alloc(100),
      Buffer.of(0xff, 0xc0, 0, 11, 8, 1, 2, 3, 4, 3, 0, 0, 0, 0, 0),
    ]);
    const split = (b: Buffer, at: number[]) => at.map((a, i) => b.subarray(a, at[i + 1] ?? b.length));
    for (const [bytes, at, pixels] of [
      [png, [0], 40 * 30],
      [png, [0, 100], 40 * 30],
      [png, [0, 10, 20], 40 * 30],
      [jpeg, [0, 50], 0x0304 * 0x0102],
      [jpeg, [0, 3, 110], 0x0304 * 0x0102],
    ] as const) {
      const image = new UploadedPart("in", "image/png", split(bytes, [...at]));
      expect(await workUnits(UPSCALE, { image, num_inference_steps: 1 })).toBe(pixels);
    }
  });

  it("counts missing, unreadable or non-numeric factors as the fallback or 1", async () => {
    expect(await workUnits(TEXT_TO_IMAGE, { width: "512", height: 512 })).toBe(FALLBACK_PIXELS);
    expect(await workUnits(UPSCALE, { image: new Blob(["not an image"]), num_inference_steps: 0 })).toBe(
      FALLBACK_PIXELS,
    );
    expect(await workUnits(UPSCALE, {})).toBe(FALLBACK_PIXELS);
  });

  it("counts a video's pixels × frames with the caller's probe, each file measured once", async () => {
    const calls: string[] = [];
    const probe: MediaMeasure = async (_file, kind) => {
      calls.push(kind);
      return { width: 64, height: 32, frames: 48 };
    };
    expect(await workUnits(VIDEO_UPSCALE, { video: new Blob(["mp4"]) }, probe)).toBe(64 * 32 * 48);
    expect(calls).toEqual(["video"]);
    expect(await workUnits(VIDEO_UPSCALE, { video: new Blob(["mp4"]) })).toBe(FALLBACK_PIXELS);
  });

  it("counts the source a request holds when the recipe lists alternatives (a video or an image pair)", async () => {
    const interpolation = {
      files: { video: "video", first_image: "image", last_image: "image" },
      units: { pixels: ["video", "first_image"], frames: "video" },
    } as const;
    const probe: MediaMeasure = async (_file, kind) =>
      kind === "video" ? { width: 64, height: 32, frames: 48 } : { width: 20, height: 10 };
    expect(await workUnits(interpolation, { video: new Blob(["mp4"]) }, probe)).toBe(64 * 32 * 48);
    const pair = { first_image: new Blob(["png"]), last_image: new Blob(["png"]) };
    expect(await workUnits(interpolation, pair, probe)).toBe(20 * 10);
    expect(await workUnits(interpolation, {}, probe)).toBe(FALLBACK_PIXELS);
  });

  it("counts an MP4 or MOV upload's pixels × frames from its index, wherever the index is", async () => {
    const h264 = ["-c:v", "libx264", "-preset", "ultrafast"];
    const atEnd = await video("64x48", 12, "mp4", h264);
    const atStart = await video("64x48", 12, "mp4", [...h264, "-movflags", "+faststart"]);
    const mov = await video("40x30", 7, "mov", ["-c:v", "mpeg4"]);
    const fragmented = await video("32x16", 9, "mp4", [...h264, "-movflags", "frag_keyframe+empty_moov"]);
    expect(await mp4VideoSize(new Blob([atEnd]))).toEqual({ width: 64, height: 48, frames: 12, seconds: 0.5 });
    expect(await mp4VideoSize(new Blob([atStart]))).toEqual({ width: 64, height: 48, frames: 12, seconds: 0.5 });
    expect(await mp4VideoSize(new Blob([mov]))).toMatchObject({ width: 40, height: 30, frames: 7 });
    expect((await mp4VideoSize(new Blob([mov])))?.seconds).toBeCloseTo(7 / 24, 9);
    // An empty moov lists no sample: the count is the moof boxes'.
    const nine = { width: 32, height: 16, frames: 9, seconds: 0.375, fragments: 1 };
    expect(await mp4VideoSize(new Blob([fragmented]))).toEqual(nine);
    expect(await workUnits(VIDEO_UPSCALE, { video: new Blob([atEnd]) })).toBe(64 * 48 * 12);
    expect(await workUnits(VIDEO_UPSCALE, { video: new Blob([fragmented]) })).toBe(32 * 16 * 9);

    const webm = await video("32x32", 5, "webm", ["-c:v", "libvpx", "-deadline", "realtime"]);
    expect(await mp4VideoSize(new Blob([webm]))).toBeUndefined();
    expect(await mp4VideoSize(new Blob([atEnd.subarray(0, atEnd.length - 200)]))).toBeUndefined();
    expect(await mp4VideoSize(new Blob([new TextEncoder().encode("not a video at all")]))).toBeUndefined();
  });

  it("counts an AVI, FLV or Ogg upload's pixels × real frames, and its duration for a frame-rate change", async () => {
    // 14 frames at 7 fps (2 s) of 64×48 in each container: once priced as one 512×512 frame.
    const args = [...pattern("64x48", 14), "-r", "7", "-pix_fmt", "yuv420p"];
    for (const [format, codec] of [
      ["avi", "mpeg4"],
      ["avi", "libx264"],
      ["flv", "flv"],
      ["flv", "libx264"],
      ["ogg", "libvpx"],
    ] as const) {
      const video = new Blob([await ffmpegFile([...args, "-c:v", codec], format)]);
      expect(await workUnits(VIDEO_UPSCALE, { video }), `${format} ${codec}`).toBe(64 * 48 * 14);
      expect(await workUnits(FRAME_INTERPOLATION, { video, output_fps: 24 }), `${format} ${codec}`).toBe(64 * 48 * 48);
    }
  });

  it("counts an MPEG-TS or MPEG-PS upload's pixels × real frames, and its duration for a frame-rate change", async () => {
    // 14 frames at 7 fps (2 s), or 48 at 24 fps (MPEG-1/2 has no 7 fps), of 64×48 with a tone: once priced as one
    // 512×512 frame.
    for (const [format, codec, frames, rate] of [
      ["mpegts", "libx264", 14, 7],
      ["mpegts", "mpeg4", 14, 7],
      ["mpegts", "mpeg2video", 48, 24],
      ["mpeg", "mpeg2video", 48, 24],
      ["mpeg", "mpeg1video", 48, 24],
    ] as const) {
      const args = [...pattern("64x48", frames, true), "-r", String(rate), "-pix_fmt", "yuv420p", "-c:v", codec];
      const video = new Blob([await ffmpegFile(args, format)]);
      expect(await workUnits(VIDEO_UPSCALE, { video }), `${format} ${codec}`).toBe(64 * 48 * frames);
      expect(await workUnits(FRAME_INTERPOLATION, { video, output_fps: 24 }), `${format} ${codec}`).toBe(64 * 48 * 48);
    }
  });

  it("counts a WebM or MKV upload's pixels × frames from its blocks, not as one 512×512 frame", async () => {
    const vp8 = ["-c:v", "libvpx", "-deadline", "realtime"];
    const webm = new Blob([await video("32x32", 5, "webm", vp8)]);
    const mkv = new Blob([await video("40x30", 7, "mkv", ["-c:v", "libx264", "-preset", "ultrafast"])]);
    expect(await workUnits(VIDEO_UPSCALE, { video: webm })).toBe(32 * 32 * 5);
    expect(await workUnits(VIDEO_UPSCALE, { video: mkv })).toBe(40 * 30 * 7);
    // 14 frames at 7 fps: 2 s to 24 fps is 48 frames, as for the MP4 below.
    const seven = new Blob([await video("64x48", 14, "webm", [...vp8, "-r", "7"])]);
    expect(await workUnits(FRAME_INTERPOLATION, { video: seven, output_fps: 24 })).toBe(64 * 48 * 48);
    expect(await workUnits(FRAME_INTERPOLATION, { video: seven, multiplier: 2 })).toBe(64 * 48 * 28);
  });

  it("counts a frame-rate change's output frames × pixels: multiplier, midpoints and output_fps, video or pair", async () => {
    const interpolation = FRAME_INTERPOLATION;
    // 14 frames at 7 fps (2 s) of 64×48, read from the real file's index.
    const mp4 = new Blob([await video("64x48", 14, "mp4", ["-c:v", "libx264", "-preset", "ultrafast", "-r", "7"])]);
    expect(await mp4VideoSize(mp4)).toEqual({ width: 64, height: 48, frames: 14, seconds: 2 });
    const px = 64 * 48;
    expect(await workUnits(interpolation, { video: mp4, output_fps: 24 })).toBe(px * 48);
    expect(await workUnits(interpolation, { video: mp4, multiplier: 3 })).toBe(px * 42);
    expect(await workUnits(interpolation, { video: mp4, times_to_interpolate: 2 })).toBe(px * (13 * 4 + 1));
    // The pair: 2 frames source_fps apart (2 / source_fps s), sized from the first image.
    const png = new Blob([encodePng(20, 10, new Uint8Array(600))]);
    const pair = { first_image: png, last_image: png, source_fps: 1 };
    expect(await workUnits(interpolation, { ...pair, output_fps: 24 })).toBe(200 * 48);
    expect(await workUnits(interpolation, { ...pair, source_fps: 8, output_fps: 24 })).toBe(200 * 6);
    expect(await workUnits(interpolation, { ...pair, multiplier: 4 })).toBe(200 * 8);
    expect(await workUnits(interpolation, { ...pair, times_to_interpolate: 3 })).toBe(200 * 9);
    // A video whose count cannot be read counts as before (fallback size, one frame).
    expect(await workUnits(interpolation, { video: new Blob(["webm"]), multiplier: 2 })).toBe(FALLBACK_PIXELS);
  });

  it("plans output frames as the runner does (duration kept, halves up)", () => {
    expect(interpolatedFrames({ frames: 14, seconds: 2 }, { outputFps: 24 })).toBe(48);
    expect(interpolatedFrames({ frames: 25, seconds: 25 / 6 }, { outputFps: 24 })).toBe(100);
    expect(interpolatedFrames({ frames: 3, seconds: 3 / 2 }, { outputFps: 3 })).toBe(5); // 4.5 → 5
    expect(interpolatedFrames({ frames: 14 }, { outputFps: 24 })).toBe(14);
    expect(interpolatedFrames({ frames: 14, seconds: 2 }, {})).toBe(14);
  });
});
