/**
 * @module The first-bytes checks of the configured pipeline's uploads (server-kit's `keepMultipart.leadingBytes`):
 * an image field whose first bytes are none of PNG, JPEG, WebP is refused with its 415 as soon as those bytes have
 * arrived, before the rest of the upload has been read or held — the status and message `decodeImage` gives once it
 * has the whole file (400 with `X-AVS-Status: 415` on Livepeer's routes, as before). Video fields are not checked
 * here: ffmpeg finds a container by probing up to megabytes of a file (an MPEG-TS or MPEG-PS stream is recognised
 * past leading bytes of anything), so no prefix rules out a video the runner accepts today, and its refusal quotes
 * ffprobe's own reason, which only running ffprobe on the whole upload gives.
 */
import type { HttpError, LeadingBytesCheck, LeadingBytesChecks } from "@ai-video-subnet/server-kit";
import { PIPELINES } from "../generated/runner-pipelines.js";
import { notAnImage, SNIFF_BYTES } from "../image/sniff.js";
import { toHttpError } from "./http-errors.js";

/** An image field: PNG, JPEG or WebP by its magic bytes; an empty part passes (its 400 is the decoder's). */
const IMAGE: LeadingBytesCheck = {
  bytes: SNIFF_BYTES,
  check(head, field) {
    const refusal = notAnImage(head, field);
    return refusal && (toHttpError(refusal) as HttpError);
  },
};

/**
 * The checks of `pipeline`'s image fields, by field name (from the spec's `x-avs-pipeline` files).
 * @example uploadChecks("frame-interpolation") // { first_image: …, last_image: … }; its `video` is not checked
 */
export function uploadChecks(pipeline: string): LeadingBytesChecks {
  const files: Record<string, string> = Object.hasOwn(PIPELINES, pipeline)
    ? PIPELINES[pipeline as keyof typeof PIPELINES].files
    : {};
  return Object.fromEntries(
    Object.entries(files)
      .filter(([, media]) => media === "image")
      .map(([field]) => [field, IMAGE]),
  );
}
