/**
 * @module MP4 uploads whose index understates their video — `tkhd` frame size, `mdhd` or fragment durations edited
 * down, fragments that contradict themselves — are refused by the probe, before any frame is decoded, with the
 * header's figure and the stream's; the work the broadcaster counts from that index would be less than the runner
 * does. Real files that legitimately declare something else than their stored frames still pass: rotation (display
 * matrix, and a `tkhd` in displayed orientation), edit lists, B-frames, cropping, non-square pixels, variable rate,
 * MOV, and fragmented mp4s, whose `moov` lists their first fragment or no sample at all.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { VideoInputError } from "../src/video/index.js";
import { headerProbe } from "./header-probe.js";
import { cleanVideoDir, ffmpeg } from "./video-fixtures.js";

const CLIP = ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2"];
const X264 = ["-c:v", "libx264", "-preset", "ultrafast"];

/** The payload offset of the first `type` box at or after `from` (boxes are found by their type's bytes). */
function box(bytes: Buffer, type: string, from = 0): number {
  const at = bytes.indexOf(type, from, "latin1");
  expect(at).toBeGreaterThan(0);
  return at + 4;
}

/** `bytes` with the video track's `tkhd` width and height (16.16 fixed point, its last 8 bytes) set. */
function withTkhd(bytes: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(bytes);
  // x264's settings text in the data names "videolan": the handler type is looked for in the index.
  const vide = bytes.indexOf("vide", bytes.indexOf("moov", 0, "latin1"), "latin1");
  const tkhd = bytes.lastIndexOf("tkhd", vide, "latin1") - 4;
  const end = tkhd + out.readUInt32BE(tkhd);
  out.writeUInt32BE(width * 65536, end - 8);
  out.writeUInt32BE(height * 65536, end - 4);
  return out;
}

describe("an MP4 header against its frames", () => {
  const dir = cleanVideoDir();

  const { probe, expectMismatch } = headerProbe(dir, "MP4", "ffmpeg -i in.mp4 -c copy out.mp4");

  it("a tkhd edited to smaller frames, alone and with the sample entry's size: 400 with both sizes", async () => {
    await ffmpeg([...CLIP, ...X264, dir.path("real.mp4")]);
    const real = await readFile(dir.path("real.mp4"));
    const small = withTkhd(real, 80, 60);
    const what = "its tkhd gives 80×60 px frames, its stream holds 160×120 px frames";
    await expectMismatch("tkhd.mp4", small, what);
    // The avc1 sample entry's width and height (after 24 bytes of its fields) edited too: ffmpeg sizes frames by the SPS.
    const avc1 = box(small, "avc1", box(small, "stsd"));
    small.writeUInt16BE(80, avc1 + 24);
    small.writeUInt16BE(60, avc1 + 26);
    await expectMismatch("tkhd-stsd.mp4", small, what);
    // 3 % a side of room for a clean aperture (the NTSC file below) is not a disagreement; twice the pixels is.
    expect(await probe("aperture.mp4", withTkhd(real, 156, 117))).toEqual({ frames: 50, width: 160, height: 120 });
    await expectMismatch(
      "wider.mp4",
      withTkhd(real, 120, 80),
      "its tkhd gives 120×80 px frames, its stream holds 160×120 px frames",
    );
  });

  it("an mdhd edited to a shorter duration (what prices a frame-rate change): 400 with both durations", async () => {
    await ffmpeg([...CLIP, ...X264, dir.path("real.mp4")]);
    const short = await readFile(dir.path("real.mp4"));
    // mdhd v0: version/flags, creation and modification times, then the timescale and the duration (32 bits each).
    const mdhd = box(short, "mdhd", short.indexOf("moov", 0, "latin1"));
    short.writeUInt32BE(short.readUInt32BE(mdhd + 16) / 2, mdhd + 16);
    await expectMismatch("mdhd.mp4", short, "its mdhd gives 1 s, its stream lasts 2 s");
  });

  it("a fragmented mp4 is checked against the samples of all its fragments: real ones pass, edited ones are 400", async () => {
    const fragmented = [...CLIP, ...X264, "-g", "10", "-movflags"];
    await ffmpeg([...fragmented, "frag_keyframe", dir.path("frag.mp4")]);
    // Its moov lists the first fragment's 10 samples; the 4 moof boxes after it the other 40.
    expect(await probe("frag.mp4")).toEqual({ frames: 50, width: 160, height: 120 });
    await ffmpeg([...fragmented, "frag_keyframe+empty_moov", dir.path("empty.mp4")]);
    const real = await readFile(dir.path("empty.mp4"));
    // A trun claiming 11 samples where its entries hold 10: ffmpeg reads the next box's bytes as the 11th entry and
    // its packets break, so the probe refuses it before the index (which contradicts itself: server-kit's
    // mp4-fragments tests). Claiming fewer makes the rest padding, which both skip.
    const more = Buffer.from(real);
    const moof = box(real, "moof", box(real, "moof")) - 8;
    more.writeUInt32BE(11, box(real, "trun", moof) + 4);
    const overread = await probe("more.mp4", more);
    expect(overread).toBeInstanceOf(VideoInputError);
    expect([(overread as VideoInputError).code, (overread as VideoInputError).status]).toEqual(["truncated", 400]);
    expect((overread as VideoInputError).message).toMatch(
      /^video is damaged or cut short \(.+\); send the complete file$/,
    );
    // The last trun padded by 8 bytes past its entries (its moof, traf and data offset grown to match): ffmpeg
    // skips the padding, and so does the index.
    const last = real.lastIndexOf("trun", real.length, "latin1") - 4;
    const end = last + real.readUInt32BE(last);
    const padded = Buffer.concat([real.subarray(0, end), Buffer.alloc(8), real.subarray(end)]);
    const grown = [real.lastIndexOf("moof", last, "latin1") - 4, real.lastIndexOf("traf", last, "latin1") - 4, last];
    for (const at of grown) padded.writeUInt32BE(padded.readUInt32BE(at) + 8, at);
    padded.writeUInt32BE(padded.readUInt32BE(last + 16) + 8, last + 16);
    expect(await probe("padded.mp4", padded)).toEqual({ frames: 50, width: 160, height: 120 });
    // A fragment of a track the moov has not: ffmpeg finds no trex for it, and the probe refuses the file first.
    const other = Buffer.from(real);
    other.writeUInt32BE(2, box(real, "tfhd", moof) + 4);
    const damaged = await probe("other.mp4", other);
    expect(damaged).toBeInstanceOf(VideoInputError);
    expect([(damaged as VideoInputError).code, (damaged as VideoInputError).message]).toEqual([
      "truncated",
      "video is an MP4/MOV file whose headers ffmpeg cannot read (Invalid data found when processing input): it is " +
        "damaged or cut short; send the complete file",
    ]);
    // Every tfhd's default sample duration halved: the fragments sum to 1 s; ffmpeg times each from its tfdt.
    const halved = Buffer.from(real);
    for (let at = box(real, "tfhd"); at > 4; at = real.indexOf("tfhd", at, "latin1") + 4) {
      // flags 0x39: track_ID, base_data_offset (8 bytes), then the default duration.
      halved.writeUInt32BE(real.readUInt32BE(at + 16) / 2, at + 16);
    }
    await expectMismatch("halved.mp4", halved, "its stts and trun boxes give 1 s, its stream lasts 1.82 s");
  });

  it("real files that declare other than their stored frames pass", async () => {
    const make = async (name: string, args: string[], input = CLIP) => {
      await ffmpeg([...input, ...args, dir.path(name)]);
      return probe(name);
    };
    const whole = { frames: 50, width: 160, height: 120 };
    expect(await make("bframes.mp4", ["-c:v", "libx264", "-preset", "medium", "-bf", "3"])).toEqual(whole);
    const turned = { frames: 50, width: 120, height: 160 };
    expect(
      await make("rotated.mp4", ["-c", "copy", "-metadata:s:v:0", "rotate=90"], ["-i", dir.path("bframes.mp4")]),
    ).toEqual(turned);
    // Another muxer's tkhd in displayed orientation: 120×160 for 160×120 stored frames.
    const rotated = await readFile(dir.path("rotated.mp4"));
    expect(await probe("rotated-tkhd.mp4", withTkhd(rotated, 120, 160))).toEqual(turned);
    // An edit list (cut with stream copy after a B-frame GOP start): its pre-roll packets are in stsz and in the count.
    expect(await make("edit-list.mp4", ["-c", "copy"], ["-ss", "1.05", "-i", dir.path("bframes.mp4")])).toMatchObject({
      width: 160,
    });
    // Cropped: 100×70 stored as 112×80 macroblocks.
    expect(await make("cropped.mp4", X264, ["-f", "lavfi", "-i", "testsrc2=s=100x70:r=25:d=2"])).toEqual({
      frames: 50,
      width: 100,
      height: 70,
    });
    // Non-square pixels: tkhd gives the displayed width, 142 for 160 px at 8:9 (NTSC 4:3), 213 at 4:3.
    for (const sar of ["8/9", "10/11", "4/3"]) {
      expect([sar, await make(`sar-${sar.replace("/", "-")}.mp4`, ["-vf", `setsar=${sar}`, ...X264])]).toEqual([
        sar,
        whole,
      ]);
    }
    // Pixels narrower than 8:9 are refused, with the re-encode that squares them (a remux keeps them), which passes.
    const half = await make("sar-1-2.mp4", ["-vf", "setsar=1/2", ...X264]);
    expect(half).toBeInstanceOf(VideoInputError);
    expect((half as Error).message).toBe(
      "video's pixels are narrower than 8:9 (sample aspect ratio 1:2): its MP4 header gives the displayed 80×120 px, " +
        "its stream holds 160×120 px frames, and work is counted from the header; send it with square pixels " +
        '(ffmpeg -i in.mp4 -vf "scale=trunc(iw*sar/2)*2:ih,setsar=1" out.mp4 re-encodes it)',
    );
    const squared = ["-vf", "scale=trunc(iw*sar/2)*2:ih,setsar=1", ...X264];
    expect(await make("squared.mp4", squared, ["-i", dir.path("sar-1-2.mp4")])).toEqual({
      frames: 50,
      width: 80,
      height: 120,
    });
    // NTSC as Final Cut writes it: 720×486 stored at 10:11, tkhd the 704×480 clean aperture's display size, 640×480.
    const ntsc = ["-f", "lavfi", "-i", "testsrc2=s=720x486:r=30000/1001:d=0.1"];
    await make("ntsc.mov", ["-vf", "setsar=10/11", ...X264, "-f", "mov"], ntsc);
    const fcp = withTkhd(await readFile(dir.path("ntsc.mov")), 640, 480);
    expect(await probe("ntsc-fcp.mov", fcp)).toEqual({ frames: 3, width: 720, height: 486 });
    const vfr = ["-vf", "setpts='if(lt(N,25),2*N,25+N)/TB/25'", "-fps_mode", "vfr", ...X264];
    expect(await make("vfr.mp4", vfr)).toEqual(whole);
    expect(await make("clip.mov", [...X264, "-f", "mov"])).toEqual(whole);
    const fragmented = ["-g", "10", "-movflags", "frag_keyframe+empty_moov", ...X264];
    expect(await make("empty-moov.mp4", fragmented)).toEqual(whole);
  });
});
