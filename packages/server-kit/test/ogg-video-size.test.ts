/**
 * @module An Ogg's video figures read by walking its pages (real files made by the system's ffmpeg): Theora and
 * VP8, frames counted as ffprobe counts packets, a file cut short counted to its cut.
 */
import { describe, expect, it } from "vitest";
import { OGG_CONTAINER, oggVideoSize, VideoIndexError, videoContainer } from "../src/index.js";
import { codecFiles, ffmpegFile, ffprobePackets, pattern } from "./ffmpeg-video.js";

const ogg = (size: string, codec: string, frames = 50, audio = false) =>
  ffmpegFile([...pattern(size, frames, audio), "-pix_fmt", "yuv420p", "-c:v", codec], "ogg");

describe("oggVideoSize", () => {
  it("counts Theora and VP8 packets, with and without audio, as ffprobe counts them, empty (dropped) ones left out", async () => {
    const cases = [
      ["libtheora", false, "64x48"],
      ["libtheora", true, "70x38"],
      ["libvpx", false, "64x48"],
      ["libvpx", true, "64x48"],
    ] as const;
    for await (const { file, width, height, packets, seconds, label } of codecFiles("ogg", cases)) {
      expect(await videoContainer(file)).toBe(OGG_CONTAINER);
      const measured = await oggVideoSize(file, { strict: true });
      expect(measured, label).toMatchObject({ width, height, frames: packets });
      expect(measured?.seconds, label).toBeCloseTo(seconds, 3);
    }
    // libtheora writes an empty packet for each repeated picture of the small pattern: 50 frames' time, fewer frames.
    const theora = await oggVideoSize(new Blob([await ogg("64x48", "libtheora")]));
    expect(theora!.frames).toBeLessThan(50);
    expect(theora!.seconds).toBeCloseTo(50 / 24, 9);
  });

  it("counts a file cut short to its last whole page; refuses it under strict", async () => {
    const bytes = await ogg("64x48", "libvpx", 50, true);
    for (const keep of [0.9, 0.5]) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * keep));
      const packets = await ffprobePackets(cut);
      const size = await oggVideoSize(new Blob([cut]));
      expect(size!.frames).toBeLessThanOrEqual(packets);
      expect(size!.frames).toBeLessThan(50);
      await expect(oggVideoSize(new Blob([cut]), { strict: true })).rejects.toThrow(/past the file's end/);
    }
  });

  it("refuses bytes that are not a page where one starts", async () => {
    const bytes = await ogg("64x48", "libtheora", 10);
    const second = Buffer.from(bytes).indexOf("OggS", 4);
    bytes[second] = 0x78;
    await expect(oggVideoSize(new Blob([bytes]), { strict: true })).rejects.toThrow(VideoIndexError);
    expect(await oggVideoSize(new Blob([bytes]))).toBeUndefined();
  });

  it("gives no figures for Ogg without video", async () => {
    const sound = await ffmpegFile(["-f", "lavfi", "-i", "sine=d=1"], "ogg");
    expect(await oggVideoSize(new Blob([sound]))).toBeUndefined();
  });
});
