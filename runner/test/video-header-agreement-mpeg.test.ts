/**
 * @module MPEG-TS and MPEG-PS uploads hold no header figures: the gateways count their frames from the stream itself
 * (server-kit's `mpegTsVideoSize`, `mpegPsVideoSize`), so the probe's `header_mismatch` check must agree with ffmpeg
 * on every file ffmpeg reads — whole, cut mid-packet, or damaged as a broadcast capture is (bytes that lost the
 * sync, a pack overwritten, a PMT over several packets, a recording that starts mid-stream) — and refuse none of
 * them. A TS, PS or FLV whose stream they cannot measure (a codec they do not count) would be priced as one
 * 512×512 frame however long it is: it is refused, with the way out.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { VideoInputError } from "../src/video/index.js";
import { headerProbe } from "./header-probe.js";
import { cleanVideoDir, ffmpeg } from "./video-fixtures.js";

const CLIP = ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2", "-f", "lavfi", "-i", "sine=d=2"];

describe("an MPEG-TS or MPEG-PS against its frames", () => {
  const dir = cleanVideoDir();
  const { probe } = headerProbe(dir, "MPEG-TS", "ffmpeg -i in.ts -c copy out.ts");

  it("a whole, a cut and a damaged transport stream pass, counted as ffmpeg counts them", async () => {
    await ffmpeg([...CLIP, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "mp2", dir.path("real.ts")]);
    const real = await readFile(dir.path("real.ts"));
    expect(await probe("real.ts")).toEqual({ frames: 50, width: 160, height: 120 });
    const cut = await probe("cut.ts", real.subarray(0, Math.floor(real.length * 0.6) + 77));
    expect(cut).toMatchObject({ width: 160, height: 120 });
    // Packets overwritten and bytes lost mid-packet, half-way: the demuxer resyncs, and so does the count.
    const half = 188 * Math.floor(real.length / 188 / 2);
    const damaged = Buffer.concat([real.subarray(0, half + 61), real.subarray(half + 188 * 2)]);
    damaged.fill(0x55, half - 188 * 3, half - 188 * 2 + 17);
    expect(await probe("damaged.ts", damaged)).toMatchObject({ width: 160, height: 120 });
  });

  it("a capture that starts mid-stream, before its first PAT, passes", async () => {
    // Keyframes every second, each with its SPS: what a recording of a broadcast holds wherever it starts.
    await ffmpeg([...CLIP, "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "mp2", dir.path("live.ts")]);
    const live = await readFile(dir.path("live.ts"));
    expect(await probe("mid.ts", live.subarray(188 * 40))).toMatchObject({ width: 160, height: 120 });
  });

  it("a transport stream whose PMT spans packets (twenty tagged audio tracks before the video) passes", async () => {
    const tracks = Array.from({ length: 20 }, (_, k) => ["-map", "1:a", `-metadata:s:a:${k}`, "language=eng"]).flat();
    await ffmpeg([...CLIP, ...tracks, "-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", dir.path("tracks.ts")]);
    expect(await probe("tracks.ts")).toEqual({ frames: 50, width: 160, height: 120 });
  });

  it("a whole, a damaged and a cut program stream pass", async () => {
    await ffmpeg([...CLIP, "-c:v", "mpeg2video", "-c:a", "mp2", "-f", "mpeg", dir.path("real.mpg")]);
    const real = await readFile(dir.path("real.mpg"));
    expect(await probe("real.mpg")).toEqual({ frames: 50, width: 160, height: 120 });
    const damaged = Buffer.from(real);
    damaged.fill(0x55, 2048 * 3, 2048 * 3 + 100);
    expect(await probe("damaged.mpg", damaged)).toMatchObject({ width: 160, height: 120 });
    // Cut at a pack header mid-stream: the first video bytes are the rest of a picture.
    const cut = real.subarray(real.indexOf(Buffer.from([0, 0, 1, 0xba]), real.length >> 1));
    expect(await probe("cut.mpg", cut)).toMatchObject({ width: 160, height: 120 });
  });

  /** Why each container's stream is not measured, as the refusal says it. */
  const why: Record<string, string> = {
    "MPEG-TS": "its video is none of MPEG-1, MPEG-2, MPEG-4 part 2, H.264 or HEVC, or no intact PAT and PMT name it",
    FLV: "its video is neither H.264 nor Sorenson H.263 (e.g. VP6 or screen video)",
  };

  /** Makes `name` with ffmpeg's `codec` arguments and expects the 400 of a stream the gateways cannot measure. */
  async function unmeasured(name: string, codec: string[], format: string, what: string, rewrite: string) {
    await ffmpeg([...CLIP.slice(0, 4), ...codec, "-f", format, dir.path(name)]);
    const err = await probe(name);
    expect(err, name).toBeInstanceOf(VideoInputError);
    const { code, status, message } = err as VideoInputError;
    expect([code, status, message]).toEqual([
      "header_mismatch",
      400,
      `video's ${what} stream cannot be measured where work is counted: ${why[what]}; ` +
        `send it in MP4, MOV, WebM or MKV (${rewrite} rewrites it)`,
    ]);
  }

  it("a stream the gateways cannot measure (VC-2 in a TS, screen video in an FLV; ffmpeg decodes both): 400", async () => {
    await unmeasured("vc2.ts", ["-c:v", "vc2", "-b:v", "2M"], "mpegts", "MPEG-TS", "ffmpeg -i in.ts -c copy out.mkv");
    await unmeasured("screen.flv", ["-c:v", "flashsv"], "flv", "FLV", "ffmpeg -i in.flv -c copy out.mkv");
  });
});
