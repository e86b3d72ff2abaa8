/**
 * @module `POST /frame-interpolation` on a real runner server with `tiny/film` (frame-interpolation-harness.ts): flat
 * grey source frames make every output frame's level tell which pair and which `t` made it, so frame order,
 * timestamps and `t` values are checked exactly (within the H.264 round trip) for a target fps, a multiplier,
 * recursive midpoints, the two-image form, a variable-rate video (whose rate is its average, and whose midpoints
 * sit halfway in time) and videos whose frames do not follow their stated rate; fps and duration through ffprobe. Refusals are in frame-interpolation-refusals.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  blend,
  expectLevels,
  filmRouteServer,
  flatPng,
  frameLevels,
  LEVELS,
  probeDuration,
  readBytes,
} from "./frame-interpolation-harness.js";
import { ffmpeg, moovFirst, videoPacketTimes, videoStream } from "./video-fixtures.js";

describe("POST /frame-interpolation (real server, tiny/film)", () => {
  const fi = filmRouteServer();
  const { post, mp4Of } = fi;
  let vfrFile: string | undefined;
  /**
   * The clip's frames shown at 0, 1, 3 and 4 eighths of a second (the one at 2/8 dropped, as a phone drops frames):
   * 5/8 s, a base rate of 8 fps and an average of 4 / 0.625 = 6.4 fps (made once).
   */
  const vfr = async () => {
    if (vfrFile) return vfrFile;
    const file = fi.dir.path("vfr.mp4");
    await ffmpeg([
      ...["-i", fi.clip, "-vf", "setpts='(N+gte(N,2))/8/TB'", "-fps_mode", "passthrough"],
      ...["-c:v", "libx264rgb", "-qp", "0", "-pix_fmt", "rgb24", file],
    ]);
    expect((await videoPacketTimes(file)).map(Number)).toEqual([0, 0.125, 0.375, 0.5]);
    vfrFile = file;
    return file;
  };

  it("/info shows the video limits with the output frame budget", async () => {
    const info = (await (await fetch(`${fi.server.url}/info`)).json()) as {
      pipeline: string;
      video_limits: Record<string, number>;
    };
    expect(info.pipeline).toBe("frame-interpolation");
    expect(info.video_limits.max_output_frames).toBe(2000);
    expect(info.video_limits.max_frames).toBe(3600);
  });

  it("output_fps: 4 frames at 8 fps → 10 frames at 20 fps, each at its exact t, duration kept", async () => {
    const file = await mp4Of(await post({ video: await readBytes(fi.clip), output_fps: "20", seed: "7" }), "to20.mp4");
    const stream = await videoStream(file);
    expect(stream).toMatchObject({ codec_name: "h264", pix_fmt: "yuv420p", r_frame_rate: "20/1", nb_frames: "10" });
    expect(await moovFirst(file)).toBe(true);
    expect((await videoPacketTimes(file)).map(Number)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]);
    const duration = Number(await probeDuration(file));
    expect(duration).toBeCloseTo(0.5, 3);
    // Output frame j sits at source position 0.4 j; past the last source frame (3) the last frame is held.
    const expected = blend(
      LEVELS,
      Array.from({ length: 10 }, (_, j) => 0.4 * j),
    );
    const levels = await frameLevels(file);
    expect(levels).toHaveLength(10);
    expectLevels(levels, expected);
  });

  it("a variable-rate video is planned on its frames' times: its real duration, each frame blended at its time", async () => {
    // 5/8 s: 10 frames at 16 fps. Taken as evenly spaced at its base rate of 8 fps it made 8 (0.5 s).
    const file = await mp4Of(await post({ video: await readBytes(await vfr()), output_fps: "16" }), "vfr16.mp4");
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "16/1", nb_frames: "10" });
    expect(Number(await probeDuration(file))).toBeCloseTo(0.625, 3);
    expectLevels(await frameLevels(file), [0, 30, 60, 75, 90, 105, 120, 180, 240, 240]);
  });

  it("a variable-rate video's rate is its average: output_fps above it is taken, multiplier multiplies it", async () => {
    const video = await readBytes(await vfr());
    // 7 fps is above the average 6.4 fps but below the base 8 fps (the grid its times lie on): it was refused as
    // "below the source's 8 fps". round(0.625 × 7) = 4 frames, at 0, 1/7, 2/7 and 3/7 s.
    const seven = await mp4Of(await post({ video, output_fps: "7" }), "vfr7.mp4");
    expect(await videoStream(seven)).toMatchObject({ r_frame_rate: "7/1", nb_frames: "4" });
    // Source times 0, 1/8, 3/8, 1/2 hold levels 0, 60, 120, 240: 1/7 s is 1/14 of the way from 1/8 to 3/8, 2/7 s
    // 9/14 of it, 3/7 s 3/7 of the way from 3/8 to 1/2.
    expectLevels(await frameLevels(seven), [0, 60 + 60 / 14, 60 + (60 * 9) / 14, 120 + (120 * 3) / 7]);
    // Doubled, the average 6.4 fps is 12.8 fps: round(0.625 × 12.8) = 8 frames (from the base rate: 16 fps, 10).
    const doubled = await mp4Of(await post({ video, multiplier: "2" }), "vfr-x2.mp4");
    expect(await videoStream(doubled)).toMatchObject({ r_frame_rate: "64/5", nb_frames: "8" });
    expect(Number(await probeDuration(doubled))).toBeCloseTo(0.625, 3);
    const below = await post({ video, output_fps: "6" });
    expect(below.status).toBe(400);
    expect(await fi.msg(below)).toBe(
      "output_fps 6 is below the video's average frame rate of 6.4 fps (4 frames over 0.625 s, not evenly spaced; 8 fps is only the grid its times lie on); frame interpolation only raises the frame rate",
    );
  });

  it("a video whose frames do not follow its stated rate is planned on their times and keeps its length", async () => {
    // The clip slowed down in its container: frames 1/4 s apart under its header's 8 fps, the last packet 1/8 s
    // long, so 7/8 s. Taken at 8 fps it made 8 frames over 1/2 s: the answer played at twice the speed.
    const slow = fi.dir.path("slow.mkv");
    await ffmpeg(["-itsscale", "2", "-i", fi.clip, "-c", "copy", slow]);
    const below = await post({ video: await readBytes(slow), output_fps: "4" });
    expect(await fi.msg(below)).toBe(
      "output_fps 4 is below the video's average frame rate of 4.57143 fps (4 frames over 0.875 s, by their own times; at its stated 8 fps they would last 0.5 s); frame interpolation only raises the frame rate",
    );
    const slowed = await mp4Of(await post({ video: await readBytes(slow), output_fps: "16" }), "slow16.mp4");
    expect(await videoStream(slowed)).toMatchObject({ r_frame_rate: "16/1", nb_frames: "14" });
    expect(Number(await probeDuration(slowed))).toBeCloseTo(0.875, 3);
    const quarters = Array.from({ length: 14 }, (_, j) => j / 4);
    expectLevels(await frameLevels(slowed), blend(LEVELS, quarters));
    // Frames 1/2 s apart whose last shows for 1/8 s (its stated rate 2 fps): 13/8 s, not the 2 s four frames at
    // 2 fps last; at 8 fps, 13 frames, not 16.
    const slides = fi.dir.path("slides.mp4");
    await ffmpeg([
      ...["-i", fi.clip, "-vf", "setpts='N/2/TB'", "-fps_mode", "passthrough"],
      ...["-c:v", "libx264rgb", "-qp", "0", "-pix_fmt", "rgb24", slides],
    ]);
    expect(Number(await probeDuration(slides))).toBeCloseTo(1.625, 3);
    const shown = await mp4Of(await post({ video: await readBytes(slides), output_fps: "8" }), "slides8.mp4");
    expect(await videoStream(shown)).toMatchObject({ r_frame_rate: "8/1", nb_frames: "13" });
    expect(Number(await probeDuration(shown))).toBeCloseTo(1.625, 3);
    expectLevels(await frameLevels(shown), blend(LEVELS, quarters.slice(0, 13)));
  });

  it("times_to_interpolate on a variable-rate video: each midpoint halfway in time between its pair", async () => {
    const file = await mp4Of(
      await post({ video: await readBytes(await vfr()), times_to_interpolate: "1" }),
      "vfr-mid.mp4",
    );
    // FILM's midpoint of a pair is the frame halfway between the two in time: the gap of 2/8 s gets its midpoint at
    // 1/4 s. Taken as evenly spaced, the 7 frames came at sixteenths (0 … 3/8 s) and the video lost its gap.
    expect((await videoPacketTimes(file)).map(Number)).toEqual([0, 0.0625, 0.125, 0.25, 0.375, 0.4375, 0.5]);
    expectLevels(await frameLevels(file), [0, 30, 60, 90, 120, 180, 240]);
  });

  it("multiplier 2 doubles the rate: source frames passed through, midpoints between", async () => {
    const file = await mp4Of(await post({ video: await readBytes(fi.clip), multiplier: "2" }), "x2.mp4");
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "16/1", nb_frames: "8" });
    const expected = blend(
      LEVELS,
      Array.from({ length: 8 }, (_, j) => j / 2),
    );
    const levels = await frameLevels(file);
    expectLevels(levels, expected);
  });

  it("two images + times_to_interpolate 2: 5 frames at 4× the source rate, by recursive midpoints", async () => {
    const file = await mp4Of(
      await post({
        first_image: await flatPng(0),
        last_image: await flatPng(200),
        source_fps: "2",
        times_to_interpolate: "2",
      }),
      "pair.mp4",
    );
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "8/1", nb_frames: "5" });
    expect((await videoPacketTimes(file)).map(Number)).toEqual([0, 0.125, 0.25, 0.375, 0.5]);
    const levels = await frameLevels(file);
    expectLevels(levels, [0, 50, 100, 150, 200]);
  });

  it("two images + output_fps: the pair spans 1 / source_fps and the duration is kept", async () => {
    const file = await mp4Of(
      await post({ first_image: await flatPng(0), last_image: await flatPng(240), output_fps: "6" }),
      "pair6.mp4",
    );
    // 2 frames at 1 fps last 2 s: 12 frames at 6 fps, t = j / 6 for the first 6, then the last image held.
    expect(await videoStream(file)).toMatchObject({ r_frame_rate: "6/1", nb_frames: "12" });
    const expected = blend(
      [0, 240],
      Array.from({ length: 12 }, (_, j) => j / 6),
    );
    const levels = await frameLevels(file);
    expectLevels(levels, expected);
  });
});
