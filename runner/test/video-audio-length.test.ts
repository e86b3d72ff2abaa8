/**
 * @module An upload whose audio runs past its picture (a second of video behind an hour of sound): the encoder cuts
 * the audio where the video ends, copied or encoded, also when the container's clock starts late (MPEG-TS), and
 * keeps every video frame. Without the cut the whole sound track went into the mp4 — past `MAX_VIDEO_SECONDS`, and
 * encoded to AAC at 192 kb/s from codecs of a few kb/s (a 5.7 MB upload with 1 s of video took 25 s to encode into
 * a 17 MB mp4 of 3600 s). The probe counts the video's own length against `MAX_VIDEO_SECONDS`, not a Matroska
 * container's, which the longer sound sets.
 */
import { describe, expect, it } from "vitest";
import {
  createVideoEncoder,
  DEFAULT_VIDEO_LIMITS,
  decodeVideo,
  encodeOptionsFor,
  probeVideo,
} from "../src/video/index.js";
import { cleanVideoDir, ffmpeg, ffprobe, videoStream } from "./video-fixtures.js";

/** The streams' durations of `file` in seconds, by codec type (ffprobe's `duration`). */
async function durations(file: string): Promise<{ video: number; audio: number }> {
  const out = await ffprobe(["-show_entries", "stream=codec_type,duration", "-of", "csv=p=0", file]);
  const rows = out
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(","));
  const of = (type: string) => Number(rows.find(([t]) => t === type)?.[1]);
  return { video: of("video"), audio: of("audio") };
}

describe("audio longer than the video", () => {
  const dir = cleanVideoDir();

  const cases = [
    { name: "mp4, AAC (copied)", file: "aac.mp4", audio: ["-c:a", "aac"], outcome: "copied" },
    { name: "mov, PCM (encoded)", file: "pcm.mov", audio: ["-c:a", "pcm_s16le"], outcome: "transcoded" },
    { name: "mkv, Vorbis (encoded)", file: "vorbis.mkv", audio: ["-c:a", "libvorbis"], outcome: "transcoded" },
    { name: "MPEG-TS, AAC (copied, late clock)", file: "aac.ts", audio: ["-c:a", "aac"], outcome: "copied" },
    { name: "MPEG-TS, MP2 (encoded, late clock)", file: "mp2.ts", audio: ["-c:a", "mp2"], outcome: "transcoded" },
  ] as const;

  it.each(cases)("$name: cut where the video ends, every frame kept", async ({ file, audio, outcome }) => {
    const source = dir.path(file);
    await ffmpeg([
      ...["-f", "lavfi", "-t", "1", "-i", "testsrc2=s=64x48:r=8", "-f", "lavfi", "-t", "60", "-i", "sine=r=8000"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", ...audio, source],
    ]);
    const whole = await ffprobe(["-show_entries", "format=duration", "-of", "csv=p=0", source]);
    expect(Number(whole)).toBeGreaterThan(59);
    const probe = await probeVideo(source);
    const output = dir.path(`${file}.out.mp4`);
    const encoder = createVideoEncoder({ ...encodeOptionsFor(probe), output });
    for await (const f of decodeVideo(probe)) await encoder.write(f.rgb, f.pts);
    const result = await encoder.finish();
    expect(result).toMatchObject({ frames: 8, audio: outcome });
    const got = await durations(output);
    expect(got.video).toBeCloseTo(1, 2);
    // An audio packet that starts before the video's end is kept whole (AAC: 128 ms at 8 kHz).
    expect(got.audio).toBeGreaterThan(0.9);
    expect(got.audio).toBeLessThan(1.2);
    expect((await videoStream(output)).nb_frames).toBe("8");
  });

  it("a Matroska video of 1 s before 200 s of sound is within a 180 s limit (the video's length is counted)", async () => {
    const source = dir.path("long-sound.mkv");
    await ffmpeg([
      ...["-f", "lavfi", "-t", "1", "-i", "testsrc2=s=64x48:r=8", "-f", "lavfi", "-t", "200", "-i", "sine=r=8000"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "libopus", source],
    ]);
    const probe = await probeVideo(source, { limits: DEFAULT_VIDEO_LIMITS, scale: 4 });
    expect(probe.video).toMatchObject({ frames: 8, durationSeconds: 1 });
    // A video that is long itself is still refused from its tag, before its packets are counted.
    const long = dir.path("long-video.mkv");
    await ffmpeg(["-f", "lavfi", "-i", "color=s=16x16:r=1:d=200", "-c:v", "libx264", "-preset", "ultrafast", long]);
    await expect(probeVideo(long, { limits: DEFAULT_VIDEO_LIMITS })).rejects.toThrow(/video lasts 200 s, over 180 s/);
  });

  it("leaves a shorter audio track as it is, and the video whole", async () => {
    const source = dir.path("short-audio.mp4");
    await ffmpeg([
      ...["-f", "lavfi", "-t", "2", "-i", "testsrc2=s=64x48:r=8", "-f", "lavfi", "-t", "0.5", "-i", "sine"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", source],
    ]);
    const probe = await probeVideo(source);
    const output = dir.path("short-audio.out.mp4");
    const encoder = createVideoEncoder({ ...encodeOptionsFor(probe), output });
    for await (const f of decodeVideo(probe)) await encoder.write(f.rgb, f.pts);
    expect(await encoder.finish()).toMatchObject({ frames: 16, audio: "copied" });
    const got = await durations(output);
    expect(got.video).toBeCloseTo(2, 2);
    expect(got.audio).toBeLessThan(0.6);
  });
});
