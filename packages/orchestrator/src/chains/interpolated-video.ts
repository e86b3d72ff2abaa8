/**
 * @module The image-to-video → FILM chain (issue 14): an `/image-to-video` job with `output_fps` above `fps` runs in
 * two stages on two runners of this orchestrator. Stage 1 takes a slot of an image-to-video runner and runs the
 * Livepeer body (the extension fields stripped); its PNG frames are stream-copied into Matroska (lossless) and
 * stage 2 runs on a frame-interpolation runner, which interpolates them to `output_fps` and answers the mp4 that
 * becomes the job's output. The FILM runner's slot is taken first, before any work, and held until the FILM stage
 * ends (on every path): a job that arrives while SVD runs cannot take it, so a chain never fails for capacity after
 * its expensive stage ran. The SVD slot is held only while SVD runs. Refusals come before any
 * work: no frame-interpolation model (400), `output_fps` below `fps` (400), more output frames than the FILM
 * runner's `max_output_frames` for the smallest SVD (14 frames; 413), or frames larger than its `max_input_pixels`
 * (413). The client's hang-up aborts whichever stage runs.
 */
import { HttpError } from "@ai-video-subnet/server-kit";
import type { Media } from "../outputs/deliver-media.js";
import type { ProgressTracker } from "../routes/progress.js";
import type { Lease, RunnerPool } from "../runners/runner-pool.js";
import { framesToMatroska } from "./frames-to-matroska.js";

/** The extension fields of `/image-to-video` that the chain reads and no runner receives. */
export const CHAIN_FIELDS = ["output_fps", "interpolation_model_id"] as const;

/** Frames of the smallest SVD model (SVD; SVD-XT makes 25): the budget is checked for at least these before stage 1. */
export const MIN_SVD_FRAMES = 14;

/** What one chain job needs. */
export interface ChainContext {
  pool: RunnerPool;
  ffmpeg: string;
  requestId: string;
  signal: AbortSignal;
  /** Runs one stage's call on a leased runner and turns runner errors into HTTP errors. */
  forward(
    lease: Lease,
    pipeline: string,
    body: Record<string, unknown>,
  ): Promise<{ images?: Media[]; frames?: Media[][] }>;
  /** Called once the chain's first runner (the FILM runner, reserved first) is ready: the job's clock starts. */
  begun?(): void;
  /** Called with each runner that serves a stage (for the job log). */
  served(runner: string): void;
  /** Told which runner runs each stage, so `GET /progress` relays both stages' events under the request id. */
  progress?: Pick<ProgressTracker, "started">;
}

/** The stages of a chain job, in order, as `GET /progress` names them (`pipeline` of each relayed event). */
export const CHAIN_STAGES = ["image-to-video", "frame-interpolation"] as const;

/** What the route does with an `/image-to-video` body: plain (Livepeer's), or the chain. */
export type ChainPlan =
  | { kind: "plain"; body: Record<string, unknown> }
  | { kind: "chain"; body: Record<string, unknown>; fps: number; outputFps: number; filmModel: string };

/**
 * Splits the extension fields off an `/image-to-video` body and decides whether it is a chain job.
 * @throws {HttpError} 400 for `interpolation_model_id` without `output_fps`, `output_fps` below `fps`, or no FILM model.
 * @example planChain({ model_id: "svd", fps: 7, output_fps: 24 }, pool) // { kind: "chain", outputFps: 24, filmModel: "tiny/film", ... }
 */
export function planChain(input: Record<string, unknown>, pool: RunnerPool): ChainPlan {
  const { output_fps: outputFps, interpolation_model_id: named, ...body } = input;
  // Empty is the default, as an empty model_id is everywhere else.
  const filmModel = named === "" ? undefined : named;
  const fps = typeof body.fps === "number" ? body.fps : 6;
  if (outputFps === undefined) {
    if (filmModel !== undefined)
      throw new HttpError(400, "interpolation_model_id needs output_fps (the rate to interpolate to)");
    return { kind: "plain", body };
  }
  const target = outputFps as number;
  if (target < fps) {
    throw new HttpError(
      400,
      `output_fps must be at least fps (${fps}), got ${target}; FILM only raises the frame rate`,
    );
  }
  // Nothing to interpolate, whichever FILM model is named: the gateway does not ask for one either.
  if (target === fps) return { kind: "plain", body };
  const films = [
    ...new Set(
      pool
        .capabilities()
        .filter((c) => c.pipeline === "frame-interpolation")
        .map((c) => c.model_id),
    ),
  ];
  if (filmModel !== undefined) {
    if (!films.includes(filmModel as string)) {
      throw new HttpError(
        400,
        `interpolation_model_id ${JSON.stringify(filmModel)} is not a frame-interpolation model of this orchestrator; it has ${films.length ? films.map((m) => JSON.stringify(m)).join(", ") : "none"}`,
      );
    }
    return { kind: "chain", body, fps, outputFps: target, filmModel: filmModel as string };
  }
  if (films.length !== 1) {
    throw new HttpError(
      400,
      films.length === 0
        ? "output_fps needs a frame-interpolation model, and this orchestrator has none"
        : `output_fps: name the FILM model in interpolation_model_id, one of ${films.map((m) => JSON.stringify(m)).join(", ")}`,
    );
  }
  return { kind: "chain", body, fps, outputFps: target, filmModel: films[0]! };
}

/** Output frames of `frames` frames at `fps` interpolated to `outputFps`: the duration is kept (halves round up). */
export function outputFrames(frames: number, fps: number, outputFps: number): number {
  return Math.floor((frames * outputFps) / fps + 0.5);
}

/**
 * Runs a chain job: SVD on one runner, FILM on another, and answers the FILM runner's mp4 (seed and nsfw of SVD).
 * @example const { images } = await runChain(plan, ctx); // images[0].url = "data:video/mp4;base64,..."
 */
export async function runChain(
  plan: Extract<ChainPlan, { kind: "chain" }>,
  ctx: ChainContext,
): Promise<{ images: Media[] }> {
  // The FILM runner's slot is the chain's from here until the FILM stage ends: its frame budget is read before any
  // work, and no other job can take it while SVD runs (the chain would then be refused after SVD, for capacity).
  const film = await ctx.pool.acquire("frame-interpolation", plan.filmModel);
  try {
    ctx.begun?.();
    const limits = await filmLimits(film);
    const budget = limits.max_output_frames;
    // The SVD model's own count when a ready runner of it says (SVD-XT: 25), else the fewest any SVD makes.
    const svdFrames = (await svdFramesOf(ctx.pool, plan.body.model_id as string)) ?? MIN_SVD_FRAMES;
    const least = outputFrames(svdFrames, plan.fps, plan.outputFps);
    if (budget !== undefined && least > budget) {
      throw new HttpError(
        413,
        `output_fps ${plan.outputFps} from fps ${plan.fps} makes at least ${least} frames (${svdFrames} frames → ${least}), over the frame-interpolation runner's budget of ${budget} (max_output_frames); lower output_fps or raise fps`,
      );
    }
    // SVD's frames are FILM's input frames, of the request's size (the validator filled in the spec's defaults).
    const [width, height] = [plan.body.width as number, plan.body.height as number];
    const [input, output] = [limits.max_input_pixels ?? Infinity, limits.max_output_pixels ?? Infinity];
    const [perFrame, name] = output < input ? [output, "max_output_pixels"] : [input, "max_input_pixels"];
    if (width * height > perFrame) {
      throw new HttpError(
        413,
        `width × height ${width}×${height} = ${width * height} px is over the frame-interpolation runner's ${perFrame} px per frame (${name}); lower width and height to use output_fps, or leave output_fps out`,
      );
    }
    ctx.signal.throwIfAborted();

    const svd = await ctx.pool.acquire("image-to-video", plan.body.model_id as string);
    let frames: Media[];
    try {
      ctx.served(svd.runner.name);
      stageStarted(ctx, svd, 0);
      const result = await ctx.forward(svd, "image-to-video", plan.body);
      frames = result.frames?.[0] ?? [];
      if (frames.length < 2)
        throw new HttpError(500, `the image-to-video runner returned ${frames.length} frame(s); FILM needs 2 or more`);
    } finally {
      svd.release();
    }
    ctx.signal.throwIfAborted();

    const pngs = function* () {
      for (const f of frames) yield Buffer.from(f.url.slice(f.url.indexOf(",") + 1), "base64");
    };
    const video = await framesToMatroska(pngs(), plan.fps, ctx.ffmpeg, ctx.signal);
    const seed = frames[0]!.seed;
    const nsfw = frames.some((f) => f.nsfw);

    ctx.served(film.runner.name);
    stageStarted(ctx, film, 1);
    const result = await ctx.forward(film, "frame-interpolation", {
      video,
      model_id: plan.filmModel,
      output_fps: plan.outputFps,
      seed,
    });
    const mp4 = result.images?.[0];
    if (!mp4) throw new HttpError(500, "the frame-interpolation runner answered no video");
    return { images: [{ url: mp4.url, seed, nsfw }] };
  } finally {
    film.release();
  }
}

function stageStarted(ctx: ChainContext, lease: Lease, index: 0 | 1): void {
  ctx.progress?.started(ctx.requestId, lease.runner.client, {
    pipeline: CHAIN_STAGES[index],
    index,
    count: CHAIN_STAGES.length,
  });
}

/** What the chain reads of a runner's `GET /info` (each may be absent). */
interface RunnerInfo {
  num_frames?: unknown;
  video_limits?: Record<string, unknown>;
}

/** `GET /info` of runners, per client: a restarted runner gets a new client and is asked again. */
const known = new WeakMap<object, RunnerInfo>();

/** A ready runner's `GET /info` (read once per runner start); undefined when it cannot be read. */
async function infoOf(client: { baseUrl: string } | undefined): Promise<RunnerInfo | undefined> {
  if (!client) return undefined;
  const cached = known.get(client);
  if (cached) return cached;
  try {
    const res = await fetch(`${client.baseUrl}/info`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return undefined;
    const info = (await res.json()) as RunnerInfo;
    known.set(client, info);
    return info;
  } catch {
    return undefined;
  }
}

/** The video limits a FILM runner's `GET /info` gives that the chain checks before stage 1 (each may be absent). */
interface FilmLimits {
  max_output_frames?: number;
  max_input_pixels?: number;
  max_output_pixels?: number;
}

/** The FILM runner's video limits; none when it does not say. */
async function filmLimits(lease: Lease): Promise<FilmLimits> {
  const given = (await infoOf(lease.runner.client))?.video_limits ?? {};
  const limits: FilmLimits = {};
  for (const key of ["max_output_frames", "max_input_pixels", "max_output_pixels"] as const) {
    const value = given[key];
    if (typeof value === "number") limits[key] = value;
  }
  return limits;
}

/** Frames per video of `modelId`, as a ready image-to-video runner of it says; undefined when none says. */
async function svdFramesOf(pool: RunnerPool, modelId: string): Promise<number | undefined> {
  const ready = pool.runners.find(
    (r) => r.entry.pipeline === "image-to-video" && r.entry.modelId === modelId && r.state === "ready",
  );
  const frames = (await infoOf(ready?.client))?.num_frames;
  return Number.isInteger(frames) && (frames as number) > 0 ? (frames as number) : undefined;
}
