/**
 * @module Rules of a request across its fields that the spec states in prose and its schema cannot: frame
 * interpolation's source (`video`, or the pair `first_image` + `last_image`, never both) and rate (exactly one of
 * `output_fps`, `multiplier`, `times_to_interpolate`). Checked at the gateway so that such a request costs no
 * orchestrator attempt; refused with the runner's own status (400) and words, as the client got them before.
 */
import { HttpError } from "@ai-video-subnet/server-kit";

const RATES = ["output_fps", "multiplier", "times_to_interpolate"] as const;

/**
 * Throws the 400 of a request that breaks its pipeline's cross-field rules; does nothing for other pipelines.
 * @example checkSourceRules("frame-interpolation", { multiplier: 2 }) // throws 400 "send a video, or two images …"
 */
export function checkSourceRules(pipeline: string, body: Record<string, unknown>): void {
  if (pipeline !== "frame-interpolation") return;
  const video = body.video !== undefined;
  const first = body.first_image !== undefined;
  const last = body.last_image !== undefined;
  if (video && (first || last)) throw new HttpError(400, "send either video or first_image + last_image, not both");
  if (!video && first !== last) {
    throw new HttpError(
      400,
      `${first ? "last_image" : "first_image"} is missing: the two-image form needs first_image and last_image`,
    );
  }
  if (!video && !first) throw new HttpError(400, "send a video, or two images as first_image and last_image");
  const given = RATES.filter((k) => body[k] !== undefined);
  if (given.length !== 1) {
    throw new HttpError(
      400,
      `give exactly one of output_fps, multiplier and times_to_interpolate; got ${given.length === 0 ? "none" : given.join(" and ")}`,
    );
  }
}
