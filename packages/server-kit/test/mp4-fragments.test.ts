/**
 * @module A fragmented MP4's frames are counted over its `moof` boxes (ffmpeg's fragmenting modes, real files), in
 * reads proportional to its size; an index that contradicts itself is refused, not counted.
 */
import { openAsBlob } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FALLBACK_PIXELS, Mp4IndexError, mp4VideoSize, workUnits } from "../src/index.js";
import { ffprobeSeconds, video } from "./ffmpeg-video.js";
import { FRAME_INTERPOLATION, VIDEO_UPSCALE } from "./spec-recipes.js";

const H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "12"];

/** 48 frames (2 s at 24 fps) of 64×48, muxed with `movflags`. */
const clip = (movflags: string, extra: string[] = []) =>
  video("64x48", 48, "mp4", [...H264, ...extra, "-movflags", movflags]).then((b) => Buffer.from(b));

/** A Blob that counts its reads: each `slice` is one positioned read of a spooled file. */
class CountedBlob extends Blob {
  reads = 0;
  override slice(start?: number, end?: number, type?: string): Blob {
    this.reads++;
    return super.slice(start, end, type);
  }
}

/** The payload offset of the `n`th `type` box (found by its type's bytes, after the `moov`). */
function nth(bytes: Buffer, type: string, n = 0): number {
  let at = bytes.indexOf("moov", 0, "latin1");
  for (let i = 0; i <= n; i++) at = bytes.indexOf(type, at + 4, "latin1");
  expect(at).toBeGreaterThan(0);
  return at + 4;
}

describe("a fragmented mp4's frames", () => {
  it("are every fragment's samples, in each of ffmpeg's fragmenting modes, and price the job", async () => {
    const modes = {
      "empty moov": await clip("frag_keyframe+empty_moov"),
      "moov lists the first fragment": await clip("frag_keyframe"),
      "fragments by duration": await clip("empty_moov", ["-frag_duration", "500000"]),
      "dash (sidx)": await clip("frag_keyframe+empty_moov+default_base_moof+dash"),
      "a fragment a frame": await clip("frag_every_frame+empty_moov"),
    };
    const counted = [];
    for (const [mode, bytes] of Object.entries(modes)) {
      const size = await mp4VideoSize(new Blob([bytes]));
      counted.push([mode, size?.frames, size?.seconds]);
      expect(await workUnits(VIDEO_UPSCALE, { video: new Blob([bytes]) })).toBe(64 * 48 * 48);
      // A frame-rate change prices the output frames from the fragments' durations: 2 s at 60 fps.
      expect(await workUnits(FRAME_INTERPOLATION, { video: new Blob([bytes]), output_fps: 60 })).toBe(64 * 48 * 120);
    }
    expect(counted).toEqual(Object.keys(modes).map((mode) => [mode, 48, 2]));
    expect((await mp4VideoSize(new Blob([modes["a fragment a frame"]])))?.fragments).toBe(48);
  });

  it("are read from a spooled upload by position, in reads proportional to its size", async () => {
    const dir = await mkdtemp(join(tmpdir(), "avs-frag-"));
    try {
      const bytes = await clip("frag_every_frame+empty_moov");
      await writeFile(join(dir, "v.mp4"), bytes);
      expect(await mp4VideoSize(await openAsBlob(join(dir, "v.mp4")))).toMatchObject({ frames: 48, fragments: 48 });
      // 8 MiB of 8-byte boxes after the index: a million headers, read 64 KiB at a time.
      const tiny = Buffer.alloc(8 * 1024 * 1024);
      for (let at = 0; at < tiny.length; at += 8) tiny.write("\0\0\0\x08free", at, "latin1");
      const hostile = new CountedBlob([
        bytes.subarray(0, nth(bytes, "moof") - 8),
        tiny,
        bytes.subarray(nth(bytes, "moof") - 8),
      ]);
      const started = performance.now();
      expect(await mp4VideoSize(hostile)).toMatchObject({ frames: 48 });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(hostile.reads).toBeLessThan(hostile.size / 65536 + 8);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("end at a box cut by the end of the file, and a size-0 box reaches to the end", async () => {
    const bytes = await clip("frag_keyframe+empty_moov");
    const last = nth(bytes, "moof", 3) - 8;
    // Cut inside the last moof: the three whole fragments count.
    expect(await mp4VideoSize(new Blob([bytes.subarray(0, last + 20)]))).toMatchObject({ frames: 36 });
    const toEnd = Buffer.from(bytes);
    toEnd.writeUInt32BE(0, last);
    expect(await mp4VideoSize(new Blob([toEnd]))).toMatchObject({ frames: 48 });
  });

  it("contradicting themselves are an error with strict, and unmeasured otherwise", async () => {
    const bytes = await clip("frag_keyframe+empty_moov");
    const expectRefused = async (edited: Buffer<ArrayBuffer>, message: string | RegExp) => {
      const err = await mp4VideoSize(new Blob([edited]), { strict: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Mp4IndexError);
      const text = (err as Error).message;
      if (typeof message === "string") expect(text).toBe(message);
      else expect(text).toMatch(message);
      expect(await mp4VideoSize(new Blob([edited]))).toBeUndefined();
      expect(await workUnits(VIDEO_UPSCALE, { video: new Blob([edited]) })).toBe(FALLBACK_PIXELS);
    };
    const moof = nth(bytes, "moof", 1) - 8;
    // A trun claiming 13 samples, its entries holding 12 (one claiming fewer is a padded one: see below).
    const more = Buffer.from(bytes);
    const trun = nth(bytes, "trun", 1);
    more.writeUInt32BE(13, trun + 4);
    await expectRefused(more, `a trun in the moof at byte ${moof} lists 13 samples of 4 bytes each in 48 bytes`);
    // A fragment of a track the moov has not.
    const other = Buffer.from(bytes);
    other.writeUInt32BE(7, nth(bytes, "tfhd", 1) + 4);
    await expectRefused(other, `a traf in the moof at byte ${moof} is of track 7, which the moov has not`);
    // 2^32 - 1 samples of the tfhd's default size, in a trun with no entries (the rest of its bytes a free box).
    const many = Buffer.from(bytes);
    const length = many.readUInt32BE(trun - 8);
    many.writeUInt32BE(20, trun - 8);
    many.writeUInt32BE(0x1, trun);
    many.writeUInt32BE(0xffffffff, trun + 4);
    many.writeUInt32BE(length - 20, trun + 12);
    many.write("free", trun + 16, "latin1");
    await expectRefused(many, new RegExp(`^the fragments' samples take \\d{13,} bytes, the file has ${many.length}$`));
    // The same samples, each as long as the tfhd's default duration at its largest: their sum is past 2^53.
    const long = Buffer.from(many);
    // tfhd flags 0x39: track_ID, base_data_offset (8 bytes), then the default duration.
    long.writeUInt32BE(0xffffffff, nth(bytes, "tfhd", 1) + 16);
    await expectRefused(long, "the fragments' durations overflow");
  });

  it("last as long as their samples when the mdhd already holds the whole file's length", async () => {
    // ffmpeg's moov lists the first fragment (12 frames, 0.5 s) and its mdhd says so; another writer's says 2 s.
    const bytes = await clip("frag_keyframe");
    const mdhd = nth(bytes, "mdhd");
    const timescale = bytes.readUInt32BE(mdhd + 12);
    expect(bytes.readUInt32BE(mdhd + 16) / timescale).toBe(0.5);
    const whole = Buffer.from(bytes);
    whole.writeUInt32BE(2 * timescale, mdhd + 16);
    expect(await ffprobeSeconds(whole)).toBe(2);
    expect(await mp4VideoSize(new Blob([whole]))).toMatchObject({ frames: 48, seconds: 2, fragments: 3 });
    expect(await workUnits(FRAME_INTERPOLATION, { video: new Blob([whole]), output_fps: 60 })).toBe(64 * 48 * 120);
  });

  it("are counted through a trun padded past its entries, as ffmpeg reads them", async () => {
    // default_base_moof: sample data is addressed from its own moof, so only that moof's data offset moves.
    const bytes = await clip("frag_keyframe+empty_moov+default_base_moof");
    const trun = nth(bytes, "trun", 1) - 8;
    const end = trun + bytes.readUInt32BE(trun);
    const padded = Buffer.concat([bytes.subarray(0, end), Buffer.alloc(8), bytes.subarray(end)]);
    for (const box of [nth(bytes, "moof", 1) - 8, nth(bytes, "traf", 1) - 8, trun]) {
      padded.writeUInt32BE(padded.readUInt32BE(box) + 8, box);
    }
    expect(padded.readUInt32BE(trun + 8) & 0x1).toBe(0x1);
    padded.writeUInt32BE(padded.readUInt32BE(trun + 16) + 8, trun + 16);
    expect(await ffprobeSeconds(padded)).toBe(2);
    expect(await mp4VideoSize(new Blob([padded]), { strict: true })).toMatchObject({ frames: 48, seconds: 2 });
    // Fewer samples than its entries hold: the rest is padding, and ffmpeg reads the one sample too.
    const fewer = Buffer.from(padded);
    fewer.writeUInt32BE(1, trun + 12);
    expect(await mp4VideoSize(new Blob([fewer]), { strict: true })).toMatchObject({ frames: 37 });
  });
});
