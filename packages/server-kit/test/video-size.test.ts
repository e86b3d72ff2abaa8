/**
 * @module Which container reads a video upload's figures: chosen from the file's first bytes (real files made by
 * the system's ffmpeg), whatever the file is called or typed; a container not measured gives no figures.
 */
import { describe, expect, it } from "vitest";
import { MATROSKA_CONTAINER, MP4_CONTAINER, videoContainer, videoSize } from "../src/index.js";
import { video } from "./ffmpeg-video.js";

describe("videoSize", () => {
  it("reads an MP4 and a MOV through the MP4 reader, named by where each figure came from", async () => {
    for (const ext of ["mp4", "mov"]) {
      const file = new Blob([await video("64x48", 12, ext, ["-c:v", "libx264"])], { type: "video/webm" });
      expect(await videoContainer(file)).toBe(MP4_CONTAINER);
      const size = await videoSize(file);
      expect(size).toEqual({ width: 64, height: 48, frames: 12, seconds: 0.5 });
      expect(MP4_CONTAINER.sources(size!)).toEqual({ size: "tkhd gives", frames: "stsz lists", seconds: "mdhd gives" });
    }
  });

  it("names a fragmented MP4's figures by its fragments", async () => {
    const file = new Blob([
      await video("64x48", 12, "mp4", ["-c:v", "libx264", "-movflags", "frag_keyframe+empty_moov"]),
    ]);
    const size = await videoSize(file);
    expect(size).toMatchObject({ width: 64, height: 48, frames: 12 });
    expect(MP4_CONTAINER.sources(size!).frames).toMatch(/^stsz and \d+ moof boxes list$/);
  });

  it("reads a WebM and an MKV through the Matroska reader, named by the elements it counted", async () => {
    for (const [ext, codec] of [
      ["webm", "libvpx"],
      ["mkv", "libx264"],
    ]) {
      const file = new Blob([await video("64x48", 12, ext!, ["-c:v", codec!])], { type: "video/mp4" });
      expect(await videoContainer(file)).toBe(MATROSKA_CONTAINER);
      const size = await videoSize(file);
      expect(size).toMatchObject({ width: 64, height: 48, frames: 12 });
      expect(size?.seconds).toBeCloseTo(0.5, 3);
      expect(MATROSKA_CONTAINER.sources(size!)).toEqual({
        size: "PixelWidth/PixelHeight give",
        frames: "SimpleBlocks and Blocks count",
        seconds: "block timestamps give",
      });
    }
  });

  it("gives nothing for what no container reads: empty, short, text, an image", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    for (const bytes of [new Uint8Array(0), new Uint8Array([0, 0, 0, 8]), new TextEncoder().encode("ftyp moov"), png]) {
      const file = new Blob([bytes], { type: "video/mp4" });
      expect(await videoContainer(file)).toBeUndefined();
      expect(await videoSize(file)).toBeUndefined();
    }
  });
});
