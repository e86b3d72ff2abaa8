/**
 * @module The default {@link ProgressSource}: follows the orchestrator's `GET /progress/{request_id}` for each attempt
 * and maps the runner's stages onto one fraction of the whole job — Stable Diffusion's denoise steps to 0–0.9, its
 * decode (per frame for image-to-video) to 0.9–0.99, any single-loop pipeline (`tiles`, `upscale`, `interpolate`,
 * `frames`) to 0–0.99 — so the fraction only grows and 1 is left for the stored result. An orchestrator without
 * the route (Livepeer's answers 404) leaves the job at start and end only; the executor throttles the writes.
 */
import { followProgress, type ProgressStep } from "@ai-video-subnet/runner-client";
import type { ProgressSource } from "./executor.js";

/** The share of the whole job each stage covers, as [from, to]; stages not listed cover [0, 0.99]. */
const STAGE_SPANS: Record<string, readonly [number, number]> = {
  denoise: [0, 0.9],
  decode: [0.9, 0.99],
};
const DEFAULT_SPAN = [0, 0.99] as const;

/**
 * The fraction of the whole job that `step` stands for.
 * @example overallFraction({ stage: "denoise", step: 5, total: 10, … }) // 0.45
 */
export function overallFraction(step: Pick<ProgressStep, "stage" | "step" | "total">): number {
  const [from, to] = STAGE_SPANS[step.stage] ?? DEFAULT_SPAN;
  const within = step.total > 0 ? Math.min(1, Math.max(0, step.step / step.total)) : 0;
  return Math.round((from + (to - from) * within) * 10_000) / 10_000;
}

/**
 * Follows the attempt's orchestrator until the attempt ends; reports each step that moves the job forward.
 * @example createAsyncJobs(settings, { …, progressSource: followOrchestratorProgress })
 */
export const followOrchestratorProgress: ProgressSource = ({ orchestrator, requestId, signal }, onProgress) => {
  void (async () => {
    let reached = 0;
    try {
      const events = followProgress(orchestrator.url, requestId, {
        signal,
        ...(orchestrator.secret ? { token: orchestrator.secret } : {}),
      });
      for await (const e of events) {
        if (e.type !== "progress") return;
        const fraction = overallFraction(e);
        if (fraction <= reached) continue;
        reached = fraction;
        onProgress({ fraction, stage: e.stage, step: e.step, total: e.total });
      }
    } catch {
      // No /progress at this orchestrator (Livepeer), or its stream broke: the job reports start and end only.
    }
  })();
};
