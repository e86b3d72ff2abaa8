/**
 * @module The video I/O on real files made by ffmpeg: the probe's facts, decoding to the exact frames of a lossless
 * source, encoding with the timestamps given (variable frame rate included), round trips of mp4, WebM (VP9) and
 * MOV with their audio packets unchanged, rotation, odd sizes, and no ffmpeg left behind after an early stop, an
 * abort, a failure or a shutdown.
 */
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkFfmpeg,
  createVideoEncoder,
  decodeVideo,
  encodeOptionsFor,
  FfmpegUnavailableError,
  ffmpegPaths,
  killAllFfmpeg,
  probeVideo,
  runningFfmpegCount,
  VideoProcessError,
} from "../src/video/index.js";
import { psnr } from "./psnr.js";
import {
  audioPacketsMd5,
  ffmpeg,
  lavfiClip,
  leftovers,
  losslessRgbVideo,
  moovFirst,
  videoDir,
  videoPacketTimes,
  videoRoundTrip,
  videoStream,
} from "./video-fixtures.js";

/** A frame whose every byte depends on its index, so a shifted or swapped frame cannot pass. */
function patternFrame(i: number, w: number, h: number): Uint8Array {
  const f = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p / w) | 0;
    f[p * 3] = (x * 8 + i * 17) & 255;
    f[p * 3 + 1] = (y * 8 + i * 29) & 255;
    f[p * 3 + 2] = ((x ^ y) * 4 + i * 41) & 255;
  }
  return f;
}

/** A smooth frame (gradients moving with `i`): what a codec keeps well, unlike the pattern's hard colour edges. */
function smoothFrame(i: number, w: number, h: number): Uint8Array {
  const f = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p / w) | 0;
    f[p * 3] = Math.round(40 + (150 * x) / w + 4 * i);
    f[p * 3 + 1] = Math.round(60 + (120 * y) / h);
    f[p * 3 + 2] = Math.round(200 - (100 * (x + y)) / (w + h) - 3 * i);
  }
  return f;
}

async function collect(file: string) {
  const probe = await probeVideo(file);
  const frames: Array<{ pts: number; rgb: Uint8Array }> = [];
  for await (const f of decodeVideo(probe)) frames.push({ pts: f.pts, rgb: f.rgb });
  return { probe, frames };
}

describe("video I/O", () => {
  let dir: Awaited<ReturnType<typeof videoDir>>;
  beforeAll(async () => {
    dir = await videoDir();
  });
  afterAll(async () => {
    expect(await leftovers(dir.dir)).toEqual([]);
    await dir.cleanup();
  });

  it("finds ffmpeg, and without it fails at start-up with how to install it", async () => {
    const info = await checkFfmpeg();
    expect(info.version).toMatch(/^\d+\.\d+/);
    expect(ffmpegPaths({})).toEqual({ ffmpeg: "ffmpeg", ffprobe: "ffprobe" });
    expect(ffmpegPaths({ FFMPEG_PATH: "/nowhere/ffmpeg", FFPROBE_PATH: "/nowhere/ffprobe" }).ffprobe).toBe(
      "/nowhere/ffprobe",
    );
    const missing = checkFfmpeg(ffmpegPaths({ FFMPEG_PATH: "/nowhere/ffmpeg" }));
    await expect(missing).rejects.toBeInstanceOf(FfmpegUnavailableError);
    await expect(missing).rejects.toThrow(
      /ffmpeg was not found \(tried `\/nowhere\/ffmpeg` from FFMPEG_PATH\).*apt-get install ffmpeg/,
    );
    // Fakes of binaries that cannot run here: an ffmpeg older than 5.1, and one built without libx264.
    const fake = async (name: string, version: string, encoders: string) => {
      const file = dir.path(name);
      await writeFile(
        file,
        `#!/bin/sh\ncase "$*" in *-encoders*) echo '${encoders}';; *) echo 'ffmpeg version ${version}';; esac\n`,
      );
      await chmod(file, 0o755);
      return file;
    };
    await expect(
      checkFfmpeg({
        ffmpeg: await fake("fake-ffmpeg-4.4", "4.4.2-0ubuntu0.22.04.1", " V....D libx264"),
        ffprobe: "ffprobe",
      }),
    ).rejects.toThrow(
      /is ffmpeg 4\.4\.2-0ubuntu0\.22\.04\.1; the video pipelines need ffmpeg 5\.1 or newer.*apt-get install ffmpeg/,
    );
    await expect(
      checkFfmpeg({ ffmpeg: await fake("fake-ffmpeg-no-x264", "n6.1", " V....D libopenh264"), ffprobe: "ffprobe" }),
    ).rejects.toThrow(/fake-ffmpeg-no-x264 has no libx264 encoder/);
    await expect(checkFfmpeg({ ffmpeg: "ffmpeg", ffprobe: "/nowhere/ffprobe" })).rejects.toThrow(
      /ffprobe was not found.*FFPROBE_PATH/,
    );
  });

  it("probes an H.264 mp4 with AAC: size, exact rates, counted frames and timestamps, audio", async () => {
    const file = await lavfiClip(dir.path("probe.mp4"), {
      size: "160x120",
      rate: "30000/1001",
      seconds: 2,
      audio: true,
    });
    const probe = await probeVideo(file);
    expect(probe.container).toBe("mov,mp4,m4a,3gp,3g2,mj2");
    expect(probe.bytes).toBe((await stat(file)).size);
    const { timestamps, ...v } = probe.video;
    expect(v).toMatchObject({ codec: "h264", width: 160, height: 120, rotation: 0, frames: 60 });
    expect(v.frameRate).toEqual({ num: 30000, den: 1001 });
    expect(v.timeBase).toEqual({ num: 1, den: 30000 });
    expect(v.variableFrameRate).toBe(false);
    expect(v.durationSeconds).toBeCloseTo(2.002, 6);
    expect(Array.from(timestamps.slice(0, 4))).toEqual([0, 1001, 2002, 3003]);
    expect(probe.audio).toMatchObject({ codec: "aac", channels: 1 });
  });

  it("probes in one ffprobe run; a second only for the audio of a file with more streams, or a file without video", async () => {
    // A wrapper that logs each ffprobe run, so the runs are counted, not timed.
    const log = dir.path("ffprobe-runs.log");
    const counting = dir.path("counting-ffprobe");
    await writeFile(counting, `#!/bin/sh\necho run >> '${log}'\nexec ffprobe "$@"\n`);
    await chmod(counting, 0o755);
    const runs = async () => {
      const text = await readFile(log, "utf8").catch(() => "");
      await writeFile(log, "");
      return text.split("\n").filter(Boolean).length;
    };
    const silent = await lavfiClip(dir.path("silent.mp4"), { size: "64x48", seconds: 1 });
    const withAudio = await lavfiClip(dir.path("with-audio.mp4"), { size: "64x48", seconds: 1, audio: true });
    expect((await probeVideo(silent, { ffprobe: counting })).video.frames).toBe(25);
    expect(await runs()).toBe(1);
    const full = await probeVideo(withAudio, { ffprobe: counting });
    expect([full.video.frames, full.audio?.codec, await runs()]).toEqual([25, "aac", 2]);
    const dropped = await probeVideo(withAudio, { ffprobe: counting, audio: false });
    expect([dropped.video.frames, dropped.audio, await runs()]).toEqual([25, undefined, 1]);
    expect(dropped.video).toEqual(full.video);

    // Cover art is not a video: a file of audio and a cover refused, its streams listed by a second run.
    const cover = dir.path("cover.png");
    await ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=32x32", "-frames:v", "1", cover]);
    const song = dir.path("song.m4a");
    await ffmpeg(
      ["-f", "lavfi", "-i", "sine=duration=1", "-i", cover, "-map", "0", "-map", "1", "-c:a", "aac"].concat([
        "-c:v",
        "copy",
        "-disposition:1",
        "attached_pic",
        song,
      ]),
    );
    await expect(probeVideo(song, { ffprobe: counting })).rejects.toThrow(
      /video has no video stream \(it holds audio, cover image\)/,
    );
    expect(await runs()).toBe(2);
  });

  it("decodes the exact frames of a lossless source, in order, with their timestamps", async () => {
    const [w, h, n] = [48, 32, 12];
    const file = await losslessRgbVideo(
      dir.path("lossless.mp4"),
      Array.from({ length: n }, (_, i) => patternFrame(i, w, h)),
      w,
      h,
      12,
    );
    const { probe, frames } = await collect(file);
    expect(frames).toHaveLength(n);
    for (let i = 0; i < n; i++) expect(Buffer.compare(frames[i]!.rgb, patternFrame(i, w, h))).toBe(0);
    const step = probe.video.timeBase.den / 12;
    expect(frames.map((f) => f.pts)).toEqual(Array.from({ length: n }, (_, i) => i * step));
  });

  it("encodes frames at exactly the timestamps given (variable rate), as H.264 yuv420p BT.709 with faststart", async () => {
    const [w, h] = [64, 48];
    const pts = [0, 1001, 3003, 3504, 9009, 9010, 30030];
    const out = dir.path("vfr-out.mp4");
    const encoder = createVideoEncoder({ output: out, width: w, height: h, timeBase: { num: 1, den: 30000 } });
    for (const [i, t] of pts.entries()) await encoder.write(smoothFrame(i, w, h), t);
    expect(await encoder.finish()).toMatchObject({ frames: 7, width: 64, height: 48, audio: "none" });
    expect(await videoPacketTimes(out)).toEqual(pts.map((t) => (t / 30000).toFixed(6)));
    expect(await videoStream(out)).toMatchObject({
      codec_name: "h264",
      pix_fmt: "yuv420p",
      color_space: "bt709",
      time_base: "1/30000",
    });
    expect(await moovFirst(out)).toBe(true);
    const { frames } = await collect(out);
    expect(frames).toHaveLength(7);
    for (const [i, f] of frames.entries()) expect(psnr(f.rgb, smoothFrame(i, w, h))).toBeGreaterThan(40);
  });

  const sources: Array<[string, Parameters<typeof lavfiClip>[1], "copied" | "transcoded"]> = [
    ["h264-aac.mp4", { size: "160x120", rate: "30000/1001", seconds: 2, audio: true }, "copied"],
    [
      "vp9-opus.webm",
      {
        size: "160x120",
        rate: "25",
        seconds: 2,
        audio: true,
        videoArgs: ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"],
        audioArgs: ["-c:a", "libopus"],
      },
      "copied",
    ],
    ["h264-aac.mov", { size: "128x96", rate: "24", seconds: 1, audio: true }, "copied"],
    [
      "mjpeg-pcm.mov",
      {
        size: "128x96",
        rate: "15",
        seconds: 1,
        audio: true,
        videoArgs: ["-c:v", "mjpeg"],
        audioArgs: ["-c:a", "pcm_s16le"],
      },
      "transcoded",
    ],
    [
      "vfr.mp4",
      {
        size: "96x64",
        rate: "30",
        seconds: 2,
        audio: true,
        filter: "select='not(eq(mod(n\\,3)\\,1))'",
        videoArgs: ["-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast"],
      },
      "copied",
    ],
  ];
  it.each(sources)(
    "round trip of %s keeps frame count, rates, every timestamp and the audio",
    async (name, clip, audio) => {
      const src = await lavfiClip(dir.path(name), clip);
      const out = dir.path(`${name}.out.mp4`);
      const { probe, result } = await videoRoundTrip(src, out);
      expect(result).toMatchObject({ frames: probe.video.frames, audio });
      const [a, b] = [await videoStream(src), await videoStream(out)];
      expect(b.nb_frames).toBe(String(probe.video.frames));
      expect([b.r_frame_rate, b.avg_frame_rate]).toEqual([a.r_frame_rate, a.avg_frame_rate]);
      expect(await videoPacketTimes(out)).toEqual(await videoPacketTimes(src));
      if (audio === "copied") expect(await audioPacketsMd5(out)).toBe(await audioPacketsMd5(src));
      else expect((await videoStream(out)).codec_name).toBe("h264");
      if (name === "vfr.mp4") expect(probe.video.variableFrameRate).toBe(true);
    },
  );

  it("applies a rotation while decoding and writes upright frames", async () => {
    const src = await lavfiClip(dir.path("plain.mp4"), { size: "96x64", seconds: 0.4 });
    const rotated = dir.path("rotated.mov");
    await ffmpeg(["-i", src, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated]);
    const probe = await probeVideo(rotated);
    expect(probe.video).toMatchObject({ rotation: 90, width: 64, height: 96, codedWidth: 96, codedHeight: 64 });
    const { result } = await videoRoundTrip(rotated, dir.path("rotated.out.mp4"));
    expect([result.width, result.height]).toEqual([64, 96]);
    const out = await probeVideo(dir.path("rotated.out.mp4"));
    expect(out.video).toMatchObject({ rotation: 0, width: 64, height: 96 });
  });

  it("pads odd sizes to even by repeating the last column and row", async () => {
    const [w, h] = [33, 17];
    const frame = new Uint8Array(w * h * 3);
    for (let p = 0; p < w * h; p++) {
      const border = p % w === w - 1 || ((p / w) | 0) === h - 1;
      frame.fill(border ? 200 : 40, p * 3, p * 3 + 3);
    }
    const out = dir.path("odd.mp4");
    const encoder = createVideoEncoder({ output: out, width: w, height: h, timeBase: { num: 1, den: 25 } });
    await encoder.write(frame, 0);
    expect(await encoder.finish()).toMatchObject({ width: 34, height: 18 });
    const { frames } = await collect(out);
    const px = (x: number, y: number) => frames[0]!.rgb[(y * 34 + x) * 3]!;
    // The added column and row repeat the bright border, not black.
    expect(Math.abs(px(33, 5) - 200)).toBeLessThan(12);
    expect(Math.abs(px(10, 17) - 200)).toBeLessThan(12);
    expect(Math.abs(px(10, 5) - 40)).toBeLessThan(12);
  });

  describe("leaves no ffmpeg behind", () => {
    let clip: string;
    beforeAll(async () => {
      clip = await lavfiClip(dir.path("long.mp4"), { size: "96x64", seconds: 8, audio: true });
    });

    it("when the consumer stops early", async () => {
      const probe = await probeVideo(clip);
      let seen = 0;
      for await (const f of decodeVideo(probe)) {
        expect(f.index).toBe(seen);
        if (++seen === 2) break;
      }
      expect(await leftovers(dir.dir)).toEqual([]);
      expect(runningFfmpegCount()).toBe(0);
    });

    it("when decoding is aborted", async () => {
      const probe = await probeVideo(clip);
      const ac = new AbortController();
      const reason = new Error("client went away");
      const run = (async () => {
        for await (const f of decodeVideo(probe, { signal: ac.signal })) if (f.index === 3) ac.abort(reason);
      })();
      await expect(run).rejects.toBe(reason);
      expect(await leftovers(dir.dir)).toEqual([]);
    });

    it("when encoding is aborted or fails, and the partial file is removed", async () => {
      const probe = await probeVideo(clip);
      const out = dir.path("aborted.mp4");
      const ac = new AbortController();
      const encoder = createVideoEncoder({ ...encodeOptionsFor(probe), output: out, signal: ac.signal });
      for await (const f of decodeVideo(probe)) {
        await encoder.write(f.rgb, f.pts);
        if (f.index === 5) break;
      }
      ac.abort(new Error("cancelled"));
      await expect(encoder.finish()).rejects.toThrow("cancelled");
      await expect(stat(out)).rejects.toThrow(/ENOENT/);

      const bad = createVideoEncoder({
        ...encodeOptionsFor(probe),
        output: dir.path("bad.mp4"),
        preset: "no-such-preset",
      });
      const writes = (async () => {
        for await (const f of decodeVideo(probe)) await bad.write(f.rgb, f.pts);
        await bad.finish();
      })();
      const err = await writes.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VideoProcessError);
      // The runner's own failure (a 500): the message says what failed, ffmpeg's words stay in `stderr` for the log.
      const failed = err as VideoProcessError;
      expect([failed.status, failed.stage]).toEqual([500, "encode"]);
      expect(failed.message).toMatch(/^ffmpeg failed to encode the video (at|after) .*\(exit \d+\)$/);
      expect(failed.message).not.toContain("no-such-preset");
      expect(failed.stderr).toMatch(/no-such-preset/);
      await expect(stat(dir.path("bad.mp4"))).rejects.toThrow(/ENOENT/);

      const dropped = createVideoEncoder({ ...encodeOptionsFor(probe), output: dir.path("dropped.mp4") });
      await dropped.abort();
      expect(await leftovers(dir.dir)).toEqual([]);
    });

    it("when the runner shuts down (killAllFfmpeg) mid-decode", async () => {
      const probe = await probeVideo(clip);
      const frames = decodeVideo(probe);
      expect((await frames.next()).value.index).toBe(0);
      expect(await killAllFfmpeg()).toBe(1);
      const err = await (async () => {
        for (;;) if ((await frames.next()).done) return undefined;
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VideoProcessError);
      expect((err as VideoProcessError).message).toMatch(/killed by SIGKILL/);
      expect(await leftovers(dir.dir)).toEqual([]);
    });
  });

  it("writes a file ffmpeg reads back whole (sanity of the Matroska frame stream)", async () => {
    const out = dir.path("tiny.mp4");
    const encoder = createVideoEncoder({ output: out, width: 16, height: 16, timeBase: { num: 1, den: 1000 } });
    for (let i = 0; i < 3; i++) await encoder.write(patternFrame(i, 16, 16), i * 40);
    await encoder.finish();
    expect((await readFile(out)).length).toBeGreaterThan(500);
    expect(await videoPacketTimes(out)).toEqual(["0.000000", "0.040000", "0.080000"]);
  });
});
