/** @module The probe of an upload written into a test's folder, and the `header_mismatch` refusal it may give. */
import { writeFile } from "node:fs/promises";
import { expect } from "vitest";
import { DEFAULT_VIDEO_LIMITS, probeVideo, VideoInputError } from "../src/video/index.js";

/**
 * `probe` runs the probe on a file of `dir` (written from `bytes` first): its frames and size, or what it threw;
 * `expectMismatch` that it refuses one with a 400 `header_mismatch` naming `container`, `what` and `rewrite`.
 * @example const { probe } = headerProbe(dir, "AVI", "ffmpeg -i in.avi -c copy out.avi");
 */
export function headerProbe(dir: { path(name: string): string }, container: string, rewrite: string) {
  async function probe(name: string, bytes?: Buffer) {
    if (bytes) await writeFile(dir.path(name), bytes);
    return probeVideo(dir.path(name), { limits: DEFAULT_VIDEO_LIMITS, scale: 2 }).then(
      (p) => ({ frames: p.video.frames, width: p.video.width, height: p.video.height }),
      (e: unknown) => e,
    );
  }
  async function expectMismatch(name: string, bytes: Buffer | undefined, what: string) {
    const err = await probe(name, bytes);
    expect(err).toBeInstanceOf(VideoInputError);
    const { code, status, message } = err as VideoInputError;
    expect([code, status]).toEqual(["header_mismatch", 400]);
    expect(message).toBe(
      `video's ${container} header and its frames disagree: ${what}; work is counted from the header, so send a ` +
        `file whose header gives its real frame size, frame count and duration (${rewrite} rewrites it)`,
    );
  }
  return { probe, expectMismatch };
}
