/**
 * @module The default {@link ProgressSource}: follows the orchestrator's `GET /progress/{request_id}` for each attempt
 * and maps the runner's stages onto one fraction of the whole job — Stable Diffusion's denoise steps to 0–0.9, its
 * decode (per frame for image-to-video) to 0.9–0.99, any single-loop pipeline (`tiles`, `upscale`, `interpolate`,
 * `frames`) to 0–0.99 — so the fraction only grows and 1 is left for the stored result. The events of a chain job
 * name their stage's `pipeline`: its image-to-video stage covers 0–0.6 and its frame-interpolation stage 0.6–0.99
 * (a fixed split: the two stages' real shares depend on the models), each stage's own steps mapped inside its span. An orchestrator without
 * the route (Livepeer's answers 404) leaves the job at start and end only; a stream that breaks is followed again from
 * its last event; the executor throttles the writes.
 */
import { setTimeout as wait } from "node:timers/promises";
import { followProgress, type ProgressStep, RunnerConnectionError } from "@ai-video-subnet/runner-client";
import type { ProgressSource } from "./executor.js";

/** The share of the whole job each stage covers, as [from, to]; stages not listed cover [0, 0.99]. */
const STAGE_SPANS: Record<string, readonly [number, number]> = {
  denoise: [0, 0.9],
  decode: [0.9, 0.99],
};
const DEFAULT_SPAN = [0, 0.99] as const;
/** The share of a chain job (events naming their `pipeline`) each of its stages covers. */
const CHAIN_SPANS: Record<string, readonly [number, number]> = {
  "image-to-video": [0, 0.6],
  "frame-interpolation": [0.6, 0.99],
};

/**
 * The fraction of the whole job that `step` stands for.
 * @example overallFraction({ stage: "denoise", step: 5, total: 10, … }) // 0.45
 */
export function overallFraction(step: Pick<ProgressStep, "stage" | "step" | "total" | "pipeline">): number {
  const [from, to] = STAGE_SPANS[step.stage] ?? DEFAULT_SPAN;
  const within = step.total > 0 ? Math.min(1, Math.max(0, step.step / step.total)) : 0;
  let fraction = from + (to - from) * within;
  const chain = step.pipeline === undefined ? undefined : CHAIN_SPANS[step.pipeline];
  if (chain) fraction = chain[0] + ((chain[1] - chain[0]) * fraction) / DEFAULT_SPAN[1];
  return Math.round(fraction * 10_000) / 10_000;
}

/** How often a broken progress stream is followed again before the job is left at its last fraction. */
const RECONNECTS = 5;
/** The wait before the first reconnect, doubled for each next one in a row (up to 4 s). */
const FIRST_RECONNECT_MS = 100;

/**
 * Follows the attempt's orchestrator until its stream ends (the job's `end`) or the attempt ends; reports each step
 * that moves the job forward, and resolves when it stops following. A stream that breaks mid-job (the connection
 * drops, a proxy in between times out) is followed again from its last event (`Last-Event-ID`), up to
 * {@link RECONNECTS} times in a row with a growing wait, so a long video job's progress does not stop at the first
 * network blip. An answer that is not a stream (a 404: Livepeer's orchestrator, or one that no longer knows the job)
 * ends the following.
 * @example createAsyncJobs(settings, { …, progressSource: followOrchestratorProgress })
 */
export const followOrchestratorProgress: ProgressSource = ({ orchestrator, requestId, signal }, onProgress) =>
  (async () => {
    let reached = 0;
    let lastEventId: number | undefined;
    for (let broken = 0; !signal.aborted; ) {
      try {
        const events = followProgress(orchestrator.url, requestId, {
          signal,
          ...(orchestrator.secret ? { token: orchestrator.secret } : {}),
          ...(lastEventId !== undefined ? { lastEventId } : {}),
        });
        for await (const e of events) {
          lastEventId = e.id;
          broken = 0;
          if (e.type !== "progress") return;
          const fraction = overallFraction(e);
          if (fraction <= reached) continue;
          reached = fraction;
          onProgress({ fraction, stage: e.stage, step: e.step, total: e.total });
        }
        return;
      } catch (err) {
        // No /progress at this orchestrator (Livepeer), or it no longer knows the job: start and end only.
        if (!(err instanceof RunnerConnectionError) || ++broken > RECONNECTS) return;
      }
      // An abort (the attempt ended) ends the wait at once, and the loop with it.
      await wait(Math.min(4000, FIRST_RECONNECT_MS * 2 ** (broken - 1)), undefined, { signal }).catch(() => {});
    }
  })();
