/**
 * @module Every bad video upload the runner must refuse, made for real with ffmpeg: not a video, empty, truncated
 * (mp4 without its index or cut inside it — also where ffprobe reads no stream or no codec —, a faststart mp4 cut in
 * its data, a cut WebM), a HEIF photo, no video stream, zero frames, 100000 frames
 * (declared by the container, and only countable from the packets), images sent as videos, huge frames in and out,
 * frames too wide or tall for H.264, too many bytes, too long, an unaccepted container, playlists that name other files. Each gives its typed error with a status and a message that
 * says what was wrong and what is allowed, and leaves no ffmpeg/ffprobe running.
 */
import { execFileSync } from "node:child_process";
import { constants, openSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_VIDEO_LIMITS,
  probeVideo,
  VideoInputError,
  type VideoInputErrorCode,
  type VideoLimits,
} from "../src/video/index.js";
import { rawRgbMatroskaHeader } from "../src/video/matroska-raw.js";
import { cleanVideoDir, ffmpeg, lavfiClip } from "./video-fixtures.js";

const ACCEPTED = /send MP4, MOV, WebM, MKV, AVI, MPEG-TS, MPEG-PS, FLV or Ogg with a video stream/;

describe("bad video uploads", () => {
  const dir = cleanVideoDir();

  /** Probes `file` (with the default limits and ×4 unless given) and returns the error it must throw. */
  async function refusal(file: string, limits: VideoLimits = DEFAULT_VIDEO_LIMITS, scale = 4) {
    const err = await probeVideo(file, { limits, scale, imageHint: "to upscale one image, use /upscale" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VideoInputError);
    return err as VideoInputError;
  }

  /** One frame of one colour at `size`, written to `name` with `codec` (x264 by default). */
  async function colorVideo(name: string, size: string, codec = ["libx264", "-preset", "ultrafast"]) {
    const file = dir.path(name);
    await ffmpeg(["-f", "lavfi", "-i", `color=s=${size}:d=0.04`, "-c:v", ...codec, file]);
    return file;
  }

  function expectRefusal(err: VideoInputError, code: VideoInputErrorCode, status: number, message: RegExp) {
    expect([err.code, err.status]).toEqual([code, status]);
    expect(err.message).toMatch(message);
  }

  it("not a video: text, and an empty file", async () => {
    await writeFile(dir.path("notes.mp4"), "these are not the frames you are looking for\n");
    expectRefusal(
      await refusal(dir.path("notes.mp4")),
      "not_a_video",
      415,
      /video is not a video ffmpeg can read \(Invalid data found when processing input\)/,
    );
    expectRefusal(await refusal(dir.path("notes.mp4")), "not_a_video", 415, ACCEPTED);
    await writeFile(dir.path("empty.webm"), "");
    expectRefusal(await refusal(dir.path("empty.webm")), "not_a_video", 415, /video is empty \(0 bytes\)/);
  });

  it("truncated: an mp4 cut before its index, a faststart mp4 cut in its data, a cut WebM", async () => {
    const mp4 = await lavfiClip(dir.path("whole.mp4"), { size: "160x120", seconds: 2, audio: true });
    const bytes = await readFile(mp4);
    await writeFile(dir.path("cut.mp4"), bytes.subarray(0, bytes.length >> 1));
    expectRefusal(
      await refusal(dir.path("cut.mp4")),
      "truncated",
      400,
      /without its index \(no moov box\).*send the complete file/,
    );

    const faststart = dir.path("faststart.mp4");
    await ffmpeg(["-i", mp4, "-c", "copy", "-movflags", "+faststart", faststart]);
    const fs = await readFile(faststart);
    await writeFile(dir.path("cut-faststart.mp4"), fs.subarray(0, fs.length >> 1));
    expectRefusal(
      await refusal(dir.path("cut-faststart.mp4")),
      "truncated",
      400,
      /video is damaged or cut short \(.+\); send the complete file/,
    );

    // An mp4 whose index is at the end, cut inside it: ffmpeg says "End of file", not that the index is missing.
    await writeFile(dir.path("cut-index.mp4"), bytes.subarray(0, bytes.length - 200));
    expectRefusal(
      await refusal(dir.path("cut-index.mp4")),
      "truncated",
      400,
      /video is an MP4\/MOV file whose headers ffmpeg cannot read \(.+\): it is damaged or cut short; send the complete file/,
    );

    // Cut earlier inside that index, ffprobe reads it without complaint: no stream (cut in `mvhd`), a `data` stream
    // (in the track's header) or a video stream of no codec and no packets (before `stbl`). Each is the cut file it is.
    const moov = bytes.indexOf("moov", 0, "latin1") - 4;
    for (const at of [moov + 16, bytes.indexOf("trak", moov, "latin1") + 40, bytes.indexOf("stbl", moov, "latin1")]) {
      await writeFile(dir.path("cut-in-index.mp4"), bytes.subarray(0, at));
      expectRefusal(
        await refusal(dir.path("cut-in-index.mp4")),
        "truncated",
        400,
        new RegExp(
          `^video is an MP4/MOV file cut short \\(its moov box runs to byte ${bytes.length} of a ${at}-byte file\\); send the complete file$`,
        ),
      );
    }

    const webm = await lavfiClip(dir.path("whole.webm"), {
      size: "160x120",
      seconds: 2,
      videoArgs: ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"],
    });
    const wb = await readFile(webm);
    await writeFile(dir.path("cut.webm"), wb.subarray(0, wb.length >> 1));
    expectRefusal(
      await refusal(dir.path("cut.webm")),
      "truncated",
      400,
      /damaged or cut short \(File ended prematurely/,
    );
  });

  it("no video stream: an audio-only file", async () => {
    const m4a = dir.path("voice.m4a");
    await ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", m4a]);
    expectRefusal(await refusal(m4a), "no_video_stream", 400, /video has no video stream \(it holds audio\); send MP4/);
  });

  it("zero frames: a video stream that never got a frame", async () => {
    // A recording that wrote its header and one empty cluster, then stopped: a raw-video track, no blocks.
    const emptyCluster = Buffer.from("1f43b675" + "0100000000000003" + "e78100", "hex");
    await writeFile(dir.path("zero.mkv"), Buffer.concat([rawRgbMatroskaHeader(64, 48), emptyCluster]));
    expectRefusal(
      await refusal(dir.path("zero.mkv")),
      "zero_frames",
      400,
      /video has a rawvideo video stream with no frames; send a video with at least one frame/,
    );
  });

  it("100000 frames: refused from the mp4's index, and by counting packets where the container has no count", async () => {
    const args = ["-f", "lavfi", "-i", "color=s=16x16:r=1000:d=100", "-c:v", "libx264", "-preset", "ultrafast"];
    await ffmpeg([...args, dir.path("many.mp4")]);
    expectRefusal(
      await refusal(dir.path("many.mp4")),
      "too_large",
      413,
      /video has 100000 frames, over 3600; this runner takes videos of at most 256 MiB, .*3600 frames and 180 s/,
    );
    await ffmpeg([...args, dir.path("many.mkv")]);
    const started = performance.now();
    expectRefusal(
      await refusal(dir.path("many.mkv")),
      "too_large",
      413,
      /video has more than 3600 frames; this runner takes/,
    );
    // Counting stops just past the limit: far less than reading 100000 packets (bounded, not measured tightly).
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("a HEIF still image (an ISO-BMFF file with no video track) is named as an image, not as a cut-short MP4", async () => {
    // ftyp (brand heic, compatible mif1 and heic), then a meta box: the start of every HEIC photo.
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1")]);
    const meta = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from("meta", "latin1"), Buffer.alloc(8)]);
    await writeFile(dir.path("photo.heic"), Buffer.concat([ftyp, meta]));
    expectRefusal(
      await refusal(dir.path("photo.heic")),
      "not_a_video",
      415,
      /video is a HEIF\/AVIF still image, not a video/,
    );
  });

  it("images sent as videos: PNG, JPEG, GIF, BMP", async () => {
    // The pipeline's hint only for images its image fields take; an animated GIF is told how to convert it.
    const toUpscale = "\\(to upscale one image, use /upscale\\)$";
    for (const [name, kind, hint] of [
      ["still.png", "PNG", toUpscale],
      ["still.jpg", "JPEG", toUpscale],
      ["anim.gif", "GIF", "\\(an animated GIF converts with: ffmpeg -i in.gif -pix_fmt yuv420p out.mp4\\)$"],
      ["still.bmp", "BMP", "with a video stream$"],
    ] as const) {
      const frames = name.endsWith(".gif") ? ["-t", "0.3"] : ["-frames:v", "1"];
      await ffmpeg(["-f", "lavfi", "-i", "testsrc=s=64x48:r=10", ...frames, dir.path(name)]);
      expectRefusal(
        await refusal(dir.path(name)),
        "image_not_video",
        415,
        new RegExp(`^video is a ${kind} image, not a video; send MP4.*${hint}`),
      );
    }
  });

  it("huge frames: over the input pixels, and over the output pixels after ×4", async () => {
    const huge = await colorVideo("huge.mp4", "4096x4096");
    expectRefusal(
      await refusal(huge),
      "too_large",
      413,
      /video has 4096×4096 = 16777216 px frames, over 921600 px per input frame; this runner takes/,
    );
    const hd = await colorVideo("hd.mp4", "1280x720");
    expectRefusal(
      await refusal(hd),
      "too_large",
      413,
      /1280×720 px frames, which ×4 become 5120×2880 = 14745600 px, over 8294400 px per output frame/,
    );
    // The same file is fine at ×2.
    expect((await probeVideo(hd, { limits: DEFAULT_VIDEO_LIMITS, scale: 2 })).video.frames).toBe(1);
  });

  it("frames too wide or tall for H.264 out, though within the pixel limits: refused before decoding", async () => {
    // 8×8000 is 64000 px a frame, but ×4 it would be 32 000 px tall; x264 takes at most 16384 a side.
    const tall = await colorVideo("tall.mp4", "8x8000");
    expectRefusal(
      await refusal(tall),
      "too_large",
      413,
      /^video has 8×8000 px frames, which ×4 become 32×32000 px; an H\.264 frame is at most 16384 px wide and 16384 px tall, so send frames of at most 4096 px a side; this runner takes/,
    );
    // At its own size (frame interpolation's scale), a 16400-wide frame: x264 cannot make one, so it is FFV1 here.
    const wide = await colorVideo("wide.mkv", "16400x16", ["ffv1"]);
    expectRefusal(await refusal(wide, DEFAULT_VIDEO_LIMITS, 1), "too_large", 413, /^video has 16400×16 px frames; /);
  });

  it("too many bytes, and too long", async () => {
    const clip = await lavfiClip(dir.path("small.mp4"), { size: "64x48", seconds: 1 });
    expectRefusal(
      await refusal(clip, { ...DEFAULT_VIDEO_LIMITS, maxBytes: 1000 }),
      "too_large",
      413,
      /video is \d+ bytes, over 1000 bytes/,
    );
    const slow = dir.path("slow.mp4");
    await ffmpeg(["-f", "lavfi", "-i", "testsrc=s=32x32:r=1:d=200", "-c:v", "libx264", "-preset", "ultrafast", slow]);
    expectRefusal(await refusal(slow), "too_large", 413, /video lasts 200 s, over 180 s/);
  });

  it("an unaccepted container", async () => {
    const nut = dir.path("clip.nut");
    await ffmpeg(["-f", "lavfi", "-i", "testsrc=s=32x32:r=10:d=0.3", "-c:v", "mpeg4", nut]);
    expectRefusal(
      await refusal(nut),
      "unsupported_container",
      415,
      /video is not in a container this runner takes \(ffmpeg reads it as nut\); send MP4/,
    );
  });

  it("playlists that name other files: refused without opening them", async () => {
    // ffmpeg detects an HLS playlist and an ffconcat list from their bytes, and its demuxers for them open the files
    // they name while the file is opened. Each names a FIFO here: opened for reading, it would block the probe until
    // its time limit; refused by name, the answer comes at once and the FIFO never had a reader.
    const fifo = dir.path("segment.ts");
    execFileSync("mkfifo", [fifo]);
    await writeFile(
      dir.path("playlist.mp4"),
      `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${fifo}\n#EXT-X-ENDLIST\n`,
    );
    await writeFile(dir.path("list.mp4"), "ffconcat version 1.0\nfile segment.ts\n");
    for (const [file, demuxer] of [
      ["playlist.mp4", "hls"],
      ["list.mp4", "concat"],
    ] as const) {
      expectRefusal(
        await refusal(dir.path(file)),
        "unsupported_container",
        415,
        new RegExp(`video is not in a container this runner takes \\(ffmpeg reads it as ${demuxer}\\); send MP4`),
      );
    }
    expect(() => openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)).toThrow(
      expect.objectContaining({ code: "ENXIO" }),
    );
  }, 20_000);
});
