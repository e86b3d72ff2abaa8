/**
 * @module An AVI's figures read from its headers and indexes (real files made by the system's ffmpeg), frames
 * counted as ffprobe counts packets, whatever the header claims: idx1, OpenDML, a file written to a pipe, a file
 * cut short.
 */
import { execFile } from "node:child_process";
import { openAsBlob } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { AVI_CONTAINER, aviVideoSize, VideoIndexError, videoContainer } from "../src/index.js";
import { codecFiles, ffmpegFile, ffprobePackets, pattern } from "./ffmpeg-video.js";

const avi = (codec: string, frames = 50, audio = false, pipe = false) =>
  ffmpegFile([...pattern("64x48", frames, audio), "-pix_fmt", "yuv420p", "-c:v", codec], "avi", pipe);

describe("aviVideoSize", () => {
  it("counts the video chunks idx1 lists, codec by codec, with and without audio, as ffprobe counts packets", async () => {
    const cases = [
      ["mpeg4", false, "64x48"],
      ["mjpeg", true, "64x48"],
      ["libx264", false, "64x48"],
      ["libx264", true, "70x38"],
    ] as const;
    for await (const { file, width, height, packets, seconds, label } of codecFiles("avi", cases)) {
      expect(await videoContainer(file)).toBe(AVI_CONTAINER);
      const size = await aviVideoSize(file, { strict: true });
      expect(size, label).toMatchObject({ width, height, frames: 50, counted: "idx1" });
      expect(packets).toBe(50);
      // With sound, -shortest makes ffmpeg's muxer write an empty (dropped) frame: not a packet, but its time.
      expect(size?.seconds, label).toBeCloseTo(seconds, 5);
      expect(AVI_CONTAINER.sources(size!)).toEqual({
        size: "strf gives",
        frames: "idx1 lists",
        seconds: "strh rate and its chunks give",
      });
    }
  });

  it("counts a file written to a pipe by its chunks, not its header's 2^30 frames", async () => {
    const bytes = await avi("libx264", 40, true, true);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(0xffffffff);
    const size = await aviVideoSize(new Blob([bytes]), { strict: true });
    expect(size).toMatchObject({ width: 64, height: 48, frames: 40, counted: "movi" });
    expect(await ffprobePackets(bytes)).toBe(40);
  });

  it("counts a file cut short to its cut, never past it; refuses it under strict", async () => {
    const bytes = await avi("mpeg4", 50);
    for (const keep of [0.9, 0.5]) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * keep));
      const size = await aviVideoSize(new Blob([cut]));
      expect(size?.counted).toBe("movi");
      const packets = await ffprobePackets(cut);
      expect(size!.frames).toBeLessThanOrEqual(packets);
      expect(size!.frames).toBeGreaterThanOrEqual(packets - 1);
      expect(size!.frames).toBeLessThan(50);
      await expect(aviVideoSize(new Blob([cut]), { strict: true })).rejects.toThrow(/past the file's end/);
    }
    // Cut inside its header: no figures.
    const header = new Blob([bytes.subarray(0, 4000)]);
    expect(await aviVideoSize(header)).toBeUndefined();
    await expect(aviVideoSize(header, { strict: true })).rejects.toThrow(VideoIndexError);
  });

  it("refuses an idx1 entry outside movi, and a chunk overrunning its list", async () => {
    const bytes = await avi("mpeg4", 20);
    const idx1 = Buffer.from(bytes).lastIndexOf("idx1");
    const wrong = bytes.slice();
    new DataView(wrong.buffer).setUint32(idx1 + 8 + 8, bytes.length, true);
    await expect(aviVideoSize(new Blob([wrong]), { strict: true })).rejects.toThrow(/outside its movi/);
    expect(await aviVideoSize(new Blob([wrong]))).toBeUndefined();
    const piped = await avi("mpeg4", 20, false, true);
    const movi = Buffer.from(piped).indexOf("movi");
    const overrun = piped.slice();
    new DataView(overrun.buffer).setUint32(movi - 4, 100, true);
    await expect(aviVideoSize(new Blob([overrun]), { strict: true })).rejects.toThrow(/overruns the list/);
    expect(await aviVideoSize(new Blob([overrun]))).toBeUndefined();
  });

  it("gives no figures for an AVI without video, or what is not an AVI", async () => {
    const sound = await ffmpegFile(["-f", "lavfi", "-i", "sine=d=1"], "avi");
    expect(await aviVideoSize(new Blob([sound]))).toBeUndefined();
    expect(await aviVideoSize(new Blob(["RIFF\0\0\0\0WAVEfmt "]))).toBeUndefined();
  });

  it("counts an OpenDML file over 1 GB (RIFF AVIX) by its indx and ix chunks", { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "avs-odml-"));
    try {
      const path = join(dir, "big.avi");
      // 2,500 raw 640×480 frames: 1.15 GB, past the 1 GB of a first RIFF.
      await promisify(execFile)("ffmpeg", [
        ...["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x480:r=24", "-frames:v", "2500"],
        ...["-pix_fmt", "yuv420p", "-c:v", "rawvideo", path],
      ]);
      const size = await aviVideoSize(await openAsBlob(path), { strict: true });
      expect(size).toEqual({ width: 640, height: 480, frames: 2500, seconds: 2500 / 24, counted: "indx" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
