/**
 * @module The video job's files: the streamed `data:video/mp4` answer (several chunks, a size that is not a multiple
 * of 3, its directory removed before the body is read) and the limits from the settings.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { mp4Response, saveUpload, videoLimitsOf } from "./video-upload.js";

describe("mp4Response", () => {
  it("streams the file as base64 in one JSON answer of the declared length, after its directory is gone", async () => {
    const bytes = randomBytes(3 * 64 * 1024 * 3 + 7);
    const scratch = await saveUpload(new Blob([bytes]));
    await writeFile(scratch.output, bytes);
    const res = await mp4Response(scratch.output, 12);
    await scratch.remove();
    const text = await res.text();
    expect(Number(res.headers.get("content-length"))).toBe(text.length);
    expect(JSON.parse(text)).toEqual({
      images: [{ url: `data:video/mp4;base64,${bytes.toString("base64")}`, seed: 12, nsfw: false }],
    });
  });

  it("saves the upload byte for byte", async () => {
    const bytes = randomBytes(100_003);
    const scratch = await saveUpload(new Blob([bytes]));
    try {
      expect((await readFile(scratch.upload)).equals(bytes)).toBe(true);
    } finally {
      await scratch.remove();
    }
  });
});

describe("videoLimitsOf", () => {
  it("takes the MAX_VIDEO_* settings, with the bytes capped by MAX_UPLOAD_BYTES", () => {
    expect(videoLimitsOf(loadConfig([], {}))).toEqual({
      maxBytes: 50 * 1024 * 1024,
      maxInputPixels: 1280 * 720,
      maxOutputPixels: 3840 * 2160,
      maxFrames: 3600,
      maxDurationSeconds: 180,
    });
    const raised = loadConfig(["--max-upload-bytes", String(2 ** 30), "--max-video-frames", "10"], {});
    expect(videoLimitsOf(raised)).toMatchObject({ maxBytes: 256 * 1024 * 1024, maxFrames: 10 });
  });
});
