/** @module The video limits: each one refuses with its own number and the whole list, and /info's shape. */
import { describe, expect, it } from "vitest";
import { VideoInputError } from "./errors.js";
import {
  checkVideoLimits,
  DEFAULT_VIDEO_LIMITS,
  describeVideoLimits,
  H264_MAX_SIDE,
  videoLimitsInfo,
} from "./limits.js";

const limits = {
  maxBytes: 8 * 1024 * 1024,
  maxInputPixels: 640 * 360,
  maxOutputPixels: 1280 * 720,
  maxFrames: 100,
  maxDurationSeconds: 10,
};

function refusal(f: () => void): VideoInputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(VideoInputError);
    return err as VideoInputError;
  }
  throw new Error("expected a refusal");
}

describe("video limits", () => {
  it("describes every limit in one sentence", () => {
    expect(describeVideoLimits(limits)).toBe(
      "at most 8 MiB, 230400 px per input frame (e.g. 640×360), 921600 px per output frame (e.g. 1280×720), 100 frames and 10 s",
    );
    expect(videoLimitsInfo(DEFAULT_VIDEO_LIMITS)).toEqual({
      max_bytes: 268435456,
      max_input_pixels: 921600,
      max_output_pixels: 8294400,
      max_frames: 3600,
      max_duration_seconds: 180,
    });
  });

  it("passes what is within every limit, exactly at the limits too", () => {
    expect(() =>
      checkVideoLimits(
        { bytes: limits.maxBytes, width: 640, height: 360, frames: 100, durationSeconds: 10 },
        limits,
        2,
      ),
    ).not.toThrow();
  });

  it("refuses each limit with a 413 naming the value, the limit and all limits", () => {
    const all = "this runner takes videos of at most 8 MiB";
    const cases: Array<[Parameters<typeof checkVideoLimits>[0], number, RegExp]> = [
      [{ bytes: limits.maxBytes + 1 }, 1, /^clip is 8388609 bytes, over 8 MiB; /],
      [{ width: 641, height: 360 }, 1, /^clip has 641×360 = 230760 px frames, over 230400 px per input frame; /],
      [
        { width: 640, height: 360 },
        3,
        /^clip has 640×360 px frames, which ×3 become 1920×1080 = 2073600 px, over 921600 px per output frame; /,
      ],
      [{ frames: 101 }, 1, /^clip has 101 frames, over 100; /],
      [{ frames: 101, framesAtLeast: true }, 1, /^clip has more than 100 frames; /],
      [{ durationSeconds: 10.5 }, 1, /^clip lasts 10.5 s, over 10 s; /],
    ];
    for (const [facts, scale, message] of cases) {
      const err = refusal(() => checkVideoLimits(facts, limits, scale, "clip"));
      expect([err.status, err.code]).toEqual([413, "too_large"]);
      expect(err.message).toMatch(message);
      expect(err.message).toContain(all);
    }
  });

  it("refuses output frames wider or taller than H.264 allows, whatever their pixel count", () => {
    const roomy = { ...limits, maxInputPixels: 2 ** 30, maxOutputPixels: 2 ** 30 };
    // Odd sides are padded to even before encoding: 16383 px still fits, 16385 does not.
    expect(() => checkVideoLimits({ width: H264_MAX_SIDE - 1, height: 16 }, roomy)).not.toThrow();
    expect(() => checkVideoLimits({ width: 8, height: H264_MAX_SIDE / 4 }, roomy, 4)).not.toThrow();
    const cases: Array<[Parameters<typeof checkVideoLimits>[0], number, RegExp]> = [
      [
        { width: 16400, height: 16 },
        1,
        /^clip has 16400×16 px frames; an H\.264 frame is at most 16384 px wide and 16384 px tall, so send frames of at most 16384 px a side; /,
      ],
      [{ width: H264_MAX_SIDE + 1, height: 2 }, 1, /^clip has 16385×2 px frames; /],
      [
        { width: 8, height: 8000 },
        4,
        /^clip has 8×8000 px frames, which ×4 become 32×32000 px; an H\.264 frame is at most 16384 px wide and 16384 px tall, so send frames of at most 4096 px a side; /,
      ],
    ];
    for (const [facts, scale, message] of cases) {
      const err = refusal(() => checkVideoLimits(facts, roomy, scale, "clip"));
      expect([err.status, err.code]).toEqual([413, "too_large"]);
      expect(err.message).toMatch(message);
    }
  });
});
