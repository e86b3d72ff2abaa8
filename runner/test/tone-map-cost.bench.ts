/**
 * @module The cost of HDR tone mapping in the decoder: a 1080p 10-bit PQ clip (24 frames of libx265) decoded to
 * rgb24 the way `decodeVideo` does, once as if SDR (no filter) and once through the tone-mapping chain. The
 * difference of the two times over 24 is the tone mapping's cost per frame. The same for the gamut conversion of a
 * 1080p BT.2020 SDR clip (`bt2020-10`). Run it with
 * `pnpm vitest bench --run --project runner runner/test/tone-map-cost.bench.ts`.
 */
import { afterAll, beforeAll, bench, describe } from "vitest";
import { decodeArgs } from "../src/video/decode.js";
import { captureFfmpeg } from "../src/video/ffmpeg-process.js";
import { gamutFilter, toneMapFilter } from "../src/video/tone-map.js";
import { ffmpeg, videoDir } from "./video-fixtures.js";

const FRAMES = 24;
let dir: Awaited<ReturnType<typeof videoDir>>;
const clips = { pq: "", sdr2020: "" };

beforeAll(async () => {
  dir = await videoDir();
  for (const [name, trc] of [
    ["pq", "smpte2084"],
    ["sdr2020", "bt2020-10"],
  ] as const) {
    clips[name] = dir.path(`${name}1080.mp4`);
    await ffmpeg([
      ...["-f", "lavfi", "-i", `testsrc2=s=1920x1080:r=24:d=${FRAMES / 24}`, "-pix_fmt", "yuv420p10le"],
      ...["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"],
      ...["-color_primaries", "bt2020", "-color_trc", trc, "-colorspace", "bt2020nc", clips[name]],
    ]);
  }
});
afterAll(() => dir.cleanup());

async function decode(clip: string, filter?: string) {
  const args = decodeArgs(clip, 0, undefined, undefined, filter);
  const run = await captureFfmpeg("ffmpeg", [...args.slice(0, -1), "-f", "null", "-"], { timeoutMs: 120_000 });
  if (run.code !== 0) throw new Error(run.stderr);
}

describe(`decoding ${FRAMES} frames of 1080p PQ to rgb24`, () => {
  bench("as SDR (no filter)", () => decode(clips.pq), { iterations: 5, warmupIterations: 1 });
  bench(
    "tone-mapped",
    () =>
      decode(clips.pq, toneMapFilter({ transfer: "smpte2084", primaries: "bt2020", matrix: "bt2020nc", range: "tv" })),
    { iterations: 5, warmupIterations: 1 },
  );
});

describe(`decoding ${FRAMES} frames of 1080p BT.2020 SDR to rgb24`, () => {
  bench("as BT.709 (no filter)", () => decode(clips.sdr2020), { iterations: 5, warmupIterations: 1 });
  bench(
    "gamut-converted",
    () =>
      decode(
        clips.sdr2020,
        gamutFilter({ transfer: "bt2020-10", primaries: "bt2020", matrix: "bt2020nc", range: "tv" }),
      ),
    { iterations: 5, warmupIterations: 1 },
  );
});
