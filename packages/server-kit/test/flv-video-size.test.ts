/**
 * @module An FLV's figures read by walking its tags (real files made by the system's ffmpeg): frames counted as
 * ffprobe counts packets, the size from the codec's own header, a file cut short counted to its cut.
 */
import { describe, expect, it } from "vitest";
import { FLV_CONTAINER, flvVideoSize, VideoIndexError, videoContainer } from "../src/index.js";
import { codecFiles, ffmpegFile, ffprobePackets, pattern } from "./ffmpeg-video.js";

const flv = (size: string, codec: string, frames = 50, audio = false, extra: string[] = []) =>
  ffmpegFile([...pattern(size, frames, audio), "-pix_fmt", "yuv420p", "-c:v", codec, ...extra], "flv");

describe("flvVideoSize", () => {
  it("counts the video tags that carry a frame, flv1 and h264, with and without audio, as ffprobe counts packets", async () => {
    const cases = [
      ["flv", false, "64x48"],
      ["flv", true, "352x288"],
      ["libx264", false, "64x48"],
      ["libx264", true, "70x38"],
    ] as const;
    for await (const { file, width, height, packets, label } of codecFiles("flv", cases)) {
      expect(await videoContainer(file)).toBe(FLV_CONTAINER);
      const measured = await flvVideoSize(file, { strict: true });
      expect(measured, label).toMatchObject({ width, height, frames: 50 });
      expect(measured?.seconds).toBeCloseTo(50 / 24, 2);
      expect(packets).toBe(50);
    }
  });

  it("reads an H.264 size from its SPS, cropping applied, whatever onMetaData says", async () => {
    const bytes = await flv("70x38", "libx264", 5);
    // onMetaData's width (a number, AMF0 type 0) edited to 1: the stream still holds 70×38.
    const at = Buffer.from(bytes).indexOf("width") + 5;
    new DataView(bytes.buffer).setFloat64(at + 1, 1);
    expect(await flvVideoSize(new Blob([bytes]))).toMatchObject({ width: 70, height: 38, frames: 5 });
    // High 4:4:4 and 4:2:2 (chroma format, scaling matrices), field coding (frame_mbs_only 0): each cropped right.
    for (const [size, extra] of [
      ["70x38", ["-pix_fmt", "yuv444p", "-x264-params", "cqm=jvt"]],
      ["70x38", ["-pix_fmt", "yuv422p"]],
      ["70x36", ["-x264-params", "interlaced=1"]],
    ] as const) {
      const other = await flv(size, "libx264", 5, false, [...extra]);
      const [width, height] = size.split("x").map(Number);
      expect(await flvVideoSize(new Blob([other])), extra.join(" ")).toMatchObject({ width, height, frames: 5 });
    }
  });

  it("counts a file cut short to its last whole tag; refuses it under strict", async () => {
    const bytes = await flv("64x48", "libx264", 50, true);
    for (const keep of [0.9, 0.5]) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * keep));
      const packets = await ffprobePackets(cut);
      const size = await flvVideoSize(new Blob([cut]));
      expect(size!.frames).toBeLessThanOrEqual(packets);
      expect(size!.frames).toBeGreaterThanOrEqual(packets - 1);
      await expect(flvVideoSize(new Blob([cut]), { strict: true })).rejects.toThrow(/past the file's end/);
    }
  });

  it("refuses a PreviousTagSize that contradicts the tag before it", async () => {
    const bytes = await flv("64x48", "flv", 10);
    const dv = new DataView(bytes.buffer);
    const second = 13 + 11 + (dv.getUint32(14) >>> 8);
    dv.setUint32(second, 7);
    await expect(flvVideoSize(new Blob([bytes]), { strict: true })).rejects.toThrow(VideoIndexError);
    expect(await flvVideoSize(new Blob([bytes]))).toBeUndefined();
  });

  it("gives no figures for FLV without video or of a codec whose size it does not read", async () => {
    const sound = await ffmpegFile(["-f", "lavfi", "-i", "sine=d=1"], "flv");
    expect(await flvVideoSize(new Blob([sound]))).toBeUndefined();
    expect(await flvVideoSize(new Blob(["FLV\x01\x01\0\0\0\x09\0\0\0\0"]))).toBeUndefined();
  });
});
