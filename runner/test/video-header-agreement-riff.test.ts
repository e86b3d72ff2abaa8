/**
 * @module AVI, FLV and Ogg uploads against the figures the gateways count them by (server-kit's AVI, FLV and Ogg
 * readers): an AVI whose `strf` understates its frames or whose `idx1` leaves frames out is refused before any frame
 * is decoded, with the header's figure and the stream's; an `idx1` that points outside its `movi` is a contradiction.
 * FLV and Ogg are read from the codec's own headers and the packets themselves, so real files of each pass.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { VideoInputError } from "../src/video/index.js";
import { headerProbe } from "./header-probe.js";
import { cleanVideoDir, ffmpeg } from "./video-fixtures.js";

const CLIP = ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2"];

describe("an AVI, FLV or Ogg header against its frames", () => {
  const dir = cleanVideoDir();

  const { probe, expectMismatch } = headerProbe(dir, "AVI", "ffmpeg -i in.avi -c copy out.avi");

  async function realAvi(): Promise<Buffer> {
    await ffmpeg([...CLIP, "-c:v", "mpeg4", dir.path("real.avi")]);
    return readFile(dir.path("real.avi"));
  }

  it("an AVI whose strf and avih are edited to smaller frames: 400 with both sizes", async () => {
    const small = await realAvi();
    small.writeInt32LE(80, small.indexOf("strf") + 12);
    small.writeInt32LE(60, small.indexOf("strf") + 16);
    small.writeUInt32LE(80, small.indexOf("avih") + 40);
    small.writeUInt32LE(60, small.indexOf("avih") + 44);
    await expectMismatch("small.avi", small, "its strf gives 80×60 px frames, its stream holds 160×120 px frames");
  });

  it("an AVI whose strf and avih give no size (ffmpeg sizes from the stream): 400, no figures to count from", async () => {
    const blank = await realAvi();
    for (const [box, at] of [
      ["strf", 12],
      ["avih", 40],
    ] as const) {
      blank.fill(0, blank.indexOf(box) + at, blank.indexOf(box) + at + 8);
    }
    await expectMismatch("blank.avi", blank, "it gives no frame size or count that can be read");
  });

  it("an AVI whose idx1 leaves 5 frames out (their entries renamed): 400 with both counts", async () => {
    const few = await realAvi();
    const idx1 = few.lastIndexOf("idx1") + 8;
    for (let e = 0; e < 5; e++) few.write("00xx", idx1 + e * 16, "latin1");
    await expectMismatch("few.avi", few, "its idx1 lists 45 frames, its stream holds 50");
  });

  it("an AVI whose idx1 points outside its movi: 400, its index contradicts itself", async () => {
    const wrong = await realAvi();
    // The last entry's size runs 1 MiB past the movi: ffmpeg reads the chunks themselves and decodes all 50.
    const idx1 = wrong.lastIndexOf("idx1");
    wrong.writeUInt32LE(1 << 20, idx1 + 8 + wrong.readUInt32LE(idx1 + 4) - 4);
    const err = await probe("wrong.avi", wrong);
    expect((err as VideoInputError).code).toBe("header_mismatch");
    expect((err as VideoInputError).message).toMatch(
      /its index contradicts itself: its idx1 lists a \d+-byte chunk at/,
    );
  });

  it("real AVI, FLV and Ogg files pass: idx1, a dropped frame, SPS cropping, Theora's empty packets", async () => {
    const tone = ["-f", "lavfi", "-i", "sine=d=3", "-shortest"];
    for (const [name, args] of [
      ["real.avi", ["-c:v", "mpeg4"]],
      ["shortest.avi", [...tone, "-c:v", "mjpeg"]],
      ["h264.flv", ["-c:v", "libx264", "-vf", "crop=150:110"]],
      ["h263.flv", [...tone, "-c:v", "flv"]],
      ["theora.ogv", ["-c:v", "libtheora"]],
      ["vp8.ogv", [...tone, "-c:v", "libvpx", "-f", "ogg"]],
    ] as const) {
      await ffmpeg([...CLIP, ...args, dir.path(name)]);
      expect(await probe(name), name).toMatchObject({ frames: 50 });
    }
  });
});
