/**
 * @module The `frame-interpolation` pipeline (`POST /frame-interpolation`): a video, or two images, to a higher
 * frame rate with a FILM model. The HTTP half reads the source (the video probed against the runner's video limits,
 * or the two images decoded and compared), plans the output frames (`frame-plan.ts`) and checks them against
 * `MAX_OUTPUT_FRAMES` before a queue slot is taken (a job alone in the runner starts its decoder beside the probe,
 * `video-source.ts`, and a refusal kills it); then, in one slot, streams decode → FILM
 * per output frame (one worker call each, `frame-slots.ts`) → encode (`interpolate-video.ts`), and answers one mp4
 * `data:` URL as `/video-upscale` does. Worker half: `worker.ts`.
 */
import { randomInt } from "node:crypto";
import { BadRequestError, PayloadTooLargeError } from "../../errors.js";
import { decodeImage, type RgbImage } from "../../image/decode.js";
import { TINY_FILM_CONV_ENTRY, TINY_FILM_ENTRY } from "../../models/factory/film-tiny.js";
import { spansItsRate } from "../../video/frame-timing.js";
import { H264_MAX_SIDE, videoLimitsInfo } from "../../video/limits.js";
import { toNumber } from "../../video/rational.js";
import type { BodyOf, Defaulted } from "../contract.js";
import { definePipeline } from "../define.js";
import { createScratch, mp4Response, saveUpload, videoLimitsOf } from "../video-upscale/video-upload.js";
import { WORKER_HALVES } from "../worker-halves.js";
import { FrameInterpolationError } from "./errors.js";
import type { FilmSignature } from "./film-signature.js";
import { type FramePlan, planFrameTimes, planMidpoints, type SourceTimeline } from "./frame-plan.js";
import { slotInfer } from "./frame-slots.js";
import { interpolateVideo } from "./interpolate-video.js";
import { padFor } from "./padding.js";
import { openVideoSource, type VideoSource } from "./video-source.js";
import type { FilmInfo } from "./worker.js";

type Optional = "video" | "first_image" | "last_image" | "output_fps" | "multiplier" | "times_to_interpolate" | "seed";
type Body = Defaulted<BodyOf<"genFrameInterpolation">, Optional>;
type FilmSize = Pick<FilmSignature, "align" | "fixedSize">;

/** Jobs of this pipeline between their upload and their answer (a runner serves one pipeline: its queue). */
let activeJobs = 0;

/** Frame progress is the job's progress; single worker calls report none of their own. */
const quiet = () => {};

/**
 * The plan of a request for a source of `frames` frames at `fps`, within `maxFrames`; a variable-rate source's
 * `timeline` plans it on its frames' own times (`fps` is then its average rate: `output_fps` must reach it, and
 * `multiplier` and `times_to_interpolate` multiply it).
 * @throws {BadRequestError} unless exactly one of `output_fps`, `multiplier`, `times_to_interpolate` is given.
 * @throws {FrameInterpolationError} from the planner (too few frames, a rate below the source's, a source or output
 *   rate outside `MIN_FPS`..`MAX_FPS` (0.0001 to 240 fps), over the budget).
 * @example planRequest({ output_fps: 24 }, 14, 7, 1440).frames.length // 48
 */
export function planRequest(
  body: Pick<Body, "output_fps" | "multiplier" | "times_to_interpolate">,
  frames: number,
  fps: number,
  maxFrames: number,
  timeline?: SourceTimeline,
): FramePlan {
  const given = (["output_fps", "multiplier", "times_to_interpolate"] as const).filter((k) => body[k] !== undefined);
  if (given.length !== 1) {
    throw new BadRequestError(
      `give exactly one of output_fps, multiplier and times_to_interpolate; got ${given.length === 0 ? "none" : given.join(" and ")}`,
    );
  }
  if (body.times_to_interpolate !== undefined) {
    return planMidpoints({
      ...{ frames, fps, timesToInterpolate: body.times_to_interpolate, maxFrames },
      ...(timeline ? { timeline } : {}),
    });
  }
  return planFrameTimes({
    frames,
    fps,
    maxFrames,
    ...(body.output_fps !== undefined ? { targetFps: body.output_fps } : { multiplier: body.multiplier! }),
    ...(timeline ? { timeline } : {}),
  });
}

/** How a message names the source rate: the pair's field, or the uploaded video's own rate. */
type SourceRate = "source_fps" | "the video's frame rate" | "the video's average frame rate";

/** A rate as a message shows it: six significant digits (29.97002997… → 29.97), tiny ones as they are (1e-300). */
const showRate = (x: number) => String(Number(x.toPrecision(6)));

/**
 * The message of a rate outside the planner's range (`MIN_FPS`..`MAX_FPS`), naming the fields the request used and
 * the range; `undefined` for other errors.
 */
function rateMessage(err: FrameInterpolationError, source: SourceRate): string | undefined {
  const f = err.facts;
  if (err.code === "source-rate-out-of-range") {
    return f.fps! < f.min!
      ? `${source} must be at least ${f.min} fps (one frame per ${1 / f.min!} s); got ${showRate(f.fps!)}`
      : `${source} must be at most ${f.max} fps, the most this runner writes; got ${showRate(f.fps!)}`;
  }
  if (err.code !== "output-rate-too-high") return undefined;
  const above = `is above ${f.max} fps, the most this runner writes`;
  const [fps, out] = [showRate(f.fps!), showRate(f.outputFps!)];
  if (f.multiplier !== undefined) {
    return `the output rate, ${source} × multiplier = ${fps} × ${f.multiplier} = ${out} fps, ${above}`;
  }
  if (f.timesToInterpolate !== undefined) {
    return `the output rate, ${source} × 2^times_to_interpolate = ${fps} × 2^${f.timesToInterpolate} = ${out} fps, ${above}`;
  }
  return `output_fps ${showRate(f.targetFps ?? f.outputFps!)} ${above}`;
}

/** The facts of a video planned on its frames' times, for a message about its average rate. */
interface UnevenVideo {
  frames: number;
  durationSeconds: number;
  frameRate?: { num: number; den: number } | undefined;
  variableFrameRate: boolean;
}

/**
 * A planner or stream error as the runner's HTTP error: over the budget or a model's size is 413, the rest 400
 * (rates outside the planner's range among them, worded with `source`'s name and the fields the request used; a
 * rate below a variable-rate video's average says what that average is made of).
 */
function asRequestError(err: unknown, source: SourceRate = "source_fps", uneven?: UnevenVideo): unknown {
  if (!(err instanceof FrameInterpolationError)) return err;
  const Cls = err.code === "frame-budget" || err.code === "frame-too-large" ? PayloadTooLargeError : BadRequestError;
  const f = err.facts;
  const message =
    err.code === "fps-below-source" && uneven
      ? `output_fps ${f.targetFps} is below the video's average frame rate of ${showRate(f.fps!)} fps (${uneven.frames} frames over ${showRate(uneven.durationSeconds)} s${unevenWhy(uneven)}); frame interpolation only raises the frame rate`
      : err.code === "fps-below-source"
        ? err.message.replace("the target fps", "output_fps")
        : (rateMessage(err, source) ?? err.message);
  return new Cls(message, { cause: err });
}

/** Why a video planned on its frames' times has its average: uneven frames, or a stated rate they do not keep. */
function unevenWhy(v: UnevenVideo): string {
  const rate = v.frameRate && toNumber(v.frameRate);
  if (v.variableFrameRate)
    return `, not evenly spaced${rate ? `; ${showRate(rate)} fps is only the grid its times lie on` : ""}`;
  return rate
    ? `, by their own times; at its stated ${showRate(rate)} fps they would last ${showRate(v.frames / rate)} s`
    : "";
}

/** The two images of the pair form, decoded and checked to be one size. */
async function decodePair(body: Body, limits: { maxSide: number; maxPixels: number }): Promise<[RgbImage, RgbImage]> {
  const first = await decodeImage(new Uint8Array(await body.first_image!.arrayBuffer()), limits, "first_image");
  const last = await decodeImage(new Uint8Array(await body.last_image!.arrayBuffer()), limits, "last_image");
  if (first.width !== last.width || first.height !== last.height) {
    throw new BadRequestError(
      `first_image is ${first.width}×${first.height} px and last_image is ${last.width}×${last.height} px; the two images must have the same size`,
    );
  }
  return [first, last];
}

/** Which source the body names; both or neither (or half a pair) is a 400 that says what to send. */
function sourceKind(body: Body): "video" | "pair" {
  const video = body.video !== undefined;
  const images = [body.first_image, body.last_image].filter((f) => f !== undefined).length;
  if (video && images > 0) {
    throw new BadRequestError("send either video or first_image + last_image, not both");
  }
  if (video) return "video";
  if (images === 2) return "pair";
  if (images === 1) {
    throw new BadRequestError(
      `${body.first_image ? "last_image" : "first_image"} is missing: the two-image form needs first_image and last_image`,
    );
  }
  throw new BadRequestError("send a video, or two images as first_image and last_image");
}

/** The frame interpolation pipeline. */
export const frameInterpolation = definePipeline<
  "genFrameInterpolation",
  Optional,
  import("./frame-slots.js").InterpolateFrameJob,
  RgbImage,
  Record<string, never>,
  FilmInfo
>({
  name: "frame-interpolation",
  operationId: "genFrameInterpolation",
  optional: ["video", "first_image", "last_image", "output_fps", "multiplier", "times_to_interpolate", "seed"],
  worker: WORKER_HALVES["frame-interpolation"],
  verify: async () => (await import("./verify-film.js")).verifyFilmModel,
  catalog: [TINY_FILM_ENTRY, TINY_FILM_CONV_ENTRY],
  info: (config) => ({
    video_limits: { ...videoLimitsInfo(videoLimitsOf(config)), max_output_frames: config.maxOutputFrames },
  }),

  async handle(body, ctx) {
    const kind = sourceKind(body);
    const maxFrames = ctx.config.maxOutputFrames;
    const seed = body.seed ?? randomInt(0, 2 ** 32);
    const scratch =
      kind === "video"
        ? await saveUpload(body.video!, "frame-interpolation")
        : await createScratch("frame-interpolation");
    const job = new AbortController();
    let video: VideoSource | undefined;
    activeJobs++;
    try {
      let plan: FramePlan;
      let width: number;
      let height: number;
      let frames: () => AsyncIterable<RgbImage> | Iterable<RgbImage>;
      if (kind === "video") {
        // A job alone in the runner gets the queue slot at once: its decoder starts beside the probe, so neither
        // ffmpeg's start-up waits for the other. Behind other jobs it would sit in the queue holding an ffmpeg, so
        // there it starts in the slot.
        video = await openVideoSource(scratch.upload, {
          limits: videoLimitsOf(ctx.config),
          imageHint: "for two images, send first_image and last_image",
          decodeAhead: activeJobs === 1,
          signal: job.signal,
        });
        const { probe } = video;
        const v = probe.video;
        const rate = v.frameRate ?? v.averageFrameRate;
        if (!rate) throw new BadRequestError("video declares no frame rate; send a video with a frame rate");
        ({ width, height } = v);
        // A variable-rate video (a phone's, with dropped frames) is planned on its frames' own times, so the answer
        // lasts as long as the video and each frame comes at its time; evenly spaced frames would shorten it. So is
        // one whose frames at its base rate would not last as long as it does (a clip slowed down in its container,
        // a slideshow whose last picture is shorter: frame-timing.ts). Its rate is then its real average (frames /
        // duration): its base rate is only the grid its times lie on, or a header's guess.
        const timeline = !spansItsRate(v)
          ? {
              timestamps: v.timestamps,
              timeBase: v.timeBase,
              span: (v.durationSeconds * v.timeBase.den) / v.timeBase.num,
            }
          : undefined;
        const fps = timeline ? v.frames / v.durationSeconds : toNumber(rate);
        try {
          plan = planRequest(body, v.frames, fps, maxFrames, timeline);
        } catch (err) {
          throw timeline
            ? asRequestError(err, "the video's average frame rate", v)
            : asRequestError(err, "the video's frame rate");
        }
        frames = video.frames;
      } else {
        // The rates and the budget are checked before the images are decoded.
        try {
          plan = planRequest(body, 2, body.source_fps, maxFrames);
        } catch (err) {
          throw asRequestError(err, "source_fps");
        }
        // The pair becomes a video of its size: its frames have a video's pixel limit as well as an image's.
        const maxPixels = Math.min(ctx.config.maxInputPixels, ctx.config.maxVideoInputPixels);
        // …and an H.264 frame's largest side, when MAX_IMAGE_SIDE allows more.
        const maxSide = Math.min(ctx.config.maxImageSide, H264_MAX_SIDE);
        const pair = await decodePair(body, { maxSide, maxPixels });
        ({ width, height } = pair[0]);
        frames = () => pair;
      }
      await ctx.session(async (run, control) => {
        try {
          // The model has loaded by now: a fixed-size export refuses larger frames before any is interpolated.
          const info = ctx.modelInfo();
          if (info.fixed_size)
            padFor({ align: Number(info.align), fixedSize: info.fixed_size } as FilmSize, width, height);
          await interpolateVideo({
            source: frames(),
            plan,
            width,
            height,
            output: scratch.output,
            control,
            signal: job.signal,
            infer: slotInfer((call, transfer) => run(call, { transfer, onProgress: quiet })),
          });
        } catch (err) {
          job.abort(err);
          throw asRequestError(err);
        }
      });
      return await mp4Response(scratch.output, seed);
    } finally {
      activeJobs--;
      await video?.close();
      await scratch.remove();
    }
  },
});
