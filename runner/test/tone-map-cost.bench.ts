/**
 * @module The cost of HDR tone mapping in the decoder: a 1080p 10-bit PQ clip (24 frames of libx265) decoded to
 * rgb24 the way `decodeVideo` does, once as if SDR (no filter) and once through the tone-mapping chain. The
 * difference of the two times over 24 is the tone mapping's cost per frame. Run it with
 * `pnpm vitest bench --run --project runner runner/test/tone-map-cost.bench.ts`.
 */
import { afterAll, beforeAll, bench, describe } from "vitest";
import { decodeArgs } from "../src/video/decode.js";
import { captureFfmpeg } from "../src/video/ffmpeg-process.js";
import { toneMapFilter } from "../src/video/tone-map.js";
import { ffmpeg, videoDir } from "./video-fixtures.js";

const FRAMES = 24;
let dir: Awaited<ReturnType<typeof videoDir>>;
let clip = "";

beforeAll(async () => {
  dir = await videoDir();
  clip = dir.path("pq1080.mp4");
  await ffmpeg([
    ...["-f", "lavfi", "-i", `testsrc2=s=1920x1080:r=24:d=${FRAMES / 24}`, "-pix_fmt", "yuv420p10le"],
    ...["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"],
    ...["-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", clip],
  ]);
});
afterAll(() => dir.cleanup());

async function decode(filter?: string) {
  const args = decodeArgs(clip, 0, undefined, undefined, filter);
  const run = await captureFfmpeg("ffmpeg", [...args.slice(0, -1), "-f", "null", "-"], { timeoutMs: 120_000 });
  if (run.code !== 0) throw new Error(run.stderr);
}

describe(`decoding ${FRAMES} frames of 1080p PQ to rgb24`, () => {
  bench("as SDR (no filter)", () => decode(), { iterations: 5, warmupIterations: 1 });
  bench(
    "tone-mapped",
    () => decode(toneMapFilter({ transfer: "smpte2084", primaries: "bt2020", matrix: "bt2020nc", range: "tv" })),
    { iterations: 5, warmupIterations: 1 },
  );
});
