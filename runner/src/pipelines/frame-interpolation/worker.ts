/**
 * @module `frame-interpolation`, worker half: loads the FILM export (`film-model.ts`) once ffmpeg has passed its
 * start-up check, and answers one interpolated frame per call. Frames arrive through two slots (`frame-slots.ts`),
 * so a source frame crosses from the HTTP thread once however many frames are made between it and its neighbour.
 */
import type { RgbImage } from "../../image/decode.js";
import { checkFfmpeg } from "../../video/ffmpeg-binaries.js";
import type { WorkerHalf } from "../contract.js";
import { loadFilmModel } from "./film-model.js";
import { type InterpolateFrameJob, slotRunner } from "./frame-slots.js";

/** What the worker reports about the loaded FILM model (`film.info`) and the ffmpeg it will be fed by. */
export type FilmInfo = Record<string, unknown> & { ffmpeg: string };

/** The frame interpolation pipeline's worker half: a slot job in, the frame at `t` out. */
export const frameInterpolationWorker: WorkerHalf<InterpolateFrameJob, RgbImage, Record<string, never>, FilmInfo> = {
  async load(ctx) {
    const { version } = await checkFfmpeg();
    const film = await loadFilmModel(ctx.modelPath, {
      executionProvider: ctx.executionProvider,
      intraOpThreads: ctx.intraOpThreads,
      ...(ctx.spinWait !== undefined ? { spinWait: ctx.spinWait } : {}),
      log: ctx.log,
    });
    const run = slotRunner(film);
    return {
      provider: film.provider,
      info: { ...film.info, ffmpeg: version },
      async run(job, control) {
        control.throwIfAborted();
        const frame = await run(job);
        return { output: frame, transfer: [frame.pixels.buffer] };
      },
      release: () => film.release(),
    };
  },
};
