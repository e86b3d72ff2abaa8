/**
 * @module Ordinary files that the video pipelines used to refuse or fail on: an mp4 cut with stream copy (`-ss … -c
 * copy` writes an edit list whose pre-roll packets the index counts but nobody presents), and a short MPEG-TS whose
 * audio parameters ffprobe cannot find (the mp4 muxer then has no sample rate). Each is probed, decoded and encoded
 * again as the pipelines do.
 */
import { describe, expect, it } from "vitest";
import { cleanVideoDir, ffmpeg, ffprobe, lavfiClip, videoRoundTrip } from "./video-fixtures.js";

describe("everyday video files", () => {
  const dir = cleanVideoDir();

  /** Decodes `file` and encodes every frame again; the frames decoded and the encoder's result. */
  const roundTrip = (file: string) => videoRoundTrip(file, dir.path(`${file.split("/").pop()}.out.mp4`));

  it("an mp4 cut with stream copy: its presented frames, not 'cut short' for the pre-roll its index counts", async () => {
    // One keyframe at 0: cutting at 1.05 s keeps the packets from 0 and an edit list that hides the first ones.
    const source = await lavfiClip(dir.path("whole.mp4"), {
      size: "64x48",
      rate: "10",
      seconds: 3,
      videoArgs: ["-c:v", "libx264", "-pix_fmt", "yuv420p"],
    });
    const cut = dir.path("cut.mp4");
    await ffmpeg(["-ss", "1.05", "-i", source, "-c", "copy", cut]);
    const counts = (entry: string) =>
      ffprobe(["-select_streams", "v:0", ...entry.split(" "), "-of", "csv=p=0", cut]).then((s) => Number(s.trim()));
    const listed = await counts("-show_entries stream=nb_frames");
    const presented = await counts("-count_frames -show_entries stream=nb_read_frames");
    expect(listed).toBe(30);
    expect(presented).toBeLessThan(listed);
    const { probe, decoded, result } = await roundTrip(cut);
    expect([probe.video.frames, decoded, result.frames]).toEqual([presented, presented, presented]);
  });

  it("a short MPEG-TS whose audio ffprobe cannot read the parameters of: the video, without that audio", async () => {
    const ts = dir.path("short.ts");
    await ffmpeg([
      ...["-f", "lavfi", "-i", "testsrc=s=64x48:r=10", "-f", "lavfi", "-i", "sine"],
      ...["-frames:v", "5", "-t", "0.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "mp2", "-f", "mpegts", ts],
    ]);
    const rates = await ffprobe([
      "-select_streams",
      "a:0",
      "-show_entries",
      "stream=sample_rate",
      "-of",
      "csv=p=0",
      ts,
    ]);
    expect(new Set(rates.trim().split(/\s+/))).toEqual(new Set(["0"]));
    const { probe, decoded, result } = await roundTrip(ts);
    expect(probe.audio).toBeUndefined();
    expect([decoded, result.frames, result.audio]).toEqual([5, 5, "none"]);
  });
});
