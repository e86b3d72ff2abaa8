/**
 * @module Videos whose stated frame rate does not match their frames' times (`frame-timing.ts`), made by ffmpeg as
 * users make them: two pictures 10 s apart whose second shows for 1 s, and a clip slowed down in its container
 * (`-itsscale 2 -c copy`, its H.264 header still 8 fps). The probe's facts, and the encoder's round trip (what
 * `/video-upscale` does to a video's timing): every frame at its time and the output as long as the input. The
 * frame-interpolation route's plans of the same kinds of file are in frame-interpolation-route.test.ts.
 */
import { describe, expect, it } from "vitest";
import { cleanVideoDir, ffmpeg, ffprobe, lavfiClip, videoPacketTimes, videoRoundTrip } from "./video-fixtures.js";

/** The file's duration as ffprobe gives it (the container's), in seconds. */
async function duration(file: string): Promise<number> {
  return Number(await ffprobe(["-show_entries", "format=duration", "-of", "csv=p=0", file]));
}

describe("videos whose frames do not follow their stated rate", () => {
  const dir = cleanVideoDir();

  it("keeps the last frame's own duration: two pictures 10 s apart, the second shown 1 s, stay 11 s", async () => {
    const gap = await lavfiClip(dir.path("gap.mp4"), {
      size: "64x48",
      rate: "1",
      seconds: 2,
      filter: "setpts='N*10/TB'",
      videoArgs: ["-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    });
    expect(await duration(gap)).toBeCloseTo(11, 3);
    const out = dir.path("gap.out.mp4");
    const { probe } = await videoRoundTrip(gap, out);
    expect(probe.video).toMatchObject({ frames: 2, variableFrameRate: false, frameRate: { num: 1, den: 10 } });
    expect(probe.video.durationSeconds).toBeCloseTo(11, 6);
    expect(await videoPacketTimes(out)).toEqual(await videoPacketTimes(gap));
    // Its second frame shown for one frame at the stated 1/10 fps, the video lasted 20 s.
    expect(await duration(out)).toBeCloseTo(11, 3);
  });

  it("keeps a clip slowed down in its container at its frames' times, not its header's rate", async () => {
    const base = await lavfiClip(dir.path("base.mp4"), { size: "64x48", rate: "8", seconds: 1 });
    const slow = dir.path("slow.mkv");
    await ffmpeg(["-itsscale", "2", "-i", base, "-c", "copy", slow]);
    const out = dir.path("slow.out.mp4");
    const { probe } = await videoRoundTrip(slow, out);
    // Frames 0.25 s apart under a stated 8 fps; the last packet still says 0.125 s.
    expect(probe.video).toMatchObject({ frames: 8, variableFrameRate: false, frameRate: { num: 8, den: 1 } });
    expect(probe.video.durationSeconds).toBeCloseTo(1.875, 6);
    expect((await videoPacketTimes(out)).map(Number)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
    expect(await duration(out)).toBeCloseTo(1.875, 3);
  });
});
