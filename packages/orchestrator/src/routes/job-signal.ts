/**
 * @module The signal a job's work runs under (see routes/jobs.ts): the caller's hang-up and `job-timeout`, which
 * holds the whole job, every runner call and the mp4 encode.
 */
import { HttpError } from "@ai-video-subnet/server-kit";

/** What a job timeout stopped, as its message says it. */
const CUT = {
  runner: "its runner call cut, so the runner stops the job",
  ffmpeg: "its mp4 encode: ffmpeg was killed",
};

/**
 * The signal a job's work runs under: aborted when the caller hangs up (with its reason) or when `timeoutMs` have
 * passed since `start()` (the job's first runner ready); `dispose()` when the job ends.
 * @example const job = jobSignal(c.req.raw.signal, 600_000); const lease = await acquire(); job.start();
 */
export function jobSignal(hangUp: AbortSignal, timeoutMs: number | undefined) {
  const controller = new AbortController();
  const onHangUp = () => controller.abort(hangUp.reason);
  hangUp.addEventListener("abort", onHangUp, { once: true });
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    signal: controller.signal,
    /** Starts the job's clock (once its first runner is ready: a cold start's wait is start-timeout's). */
    start() {
      if (timer || timeoutMs === undefined || controller.signal.aborted) return;
      timer = setTimeout(() => {
        expired = true;
        controller.abort(new DOMException(`the job ran past job-timeout (${timeoutMs} ms)`, "TimeoutError"));
      }, timeoutMs);
    },
    /** Stops the job's work with `reason` (a runner that stalled, see stall-watch.ts). */
    abort: (reason: unknown) => controller.abort(reason),
    timedOut: () => expired && !hangUp.aborted,
    // 500 as every failure of the job's own (Livepeer's spec has no 504 for these routes).
    timeoutError: (cut: "runner" | "ffmpeg" = "runner") =>
      new HttpError(
        500,
        `the job did not finish within job-timeout (${timeoutMs! / 1000} s); it was stopped (${CUT[cut]})`,
      ),
    dispose() {
      clearTimeout(timer);
      hangUp.removeEventListener("abort", onHangUp);
    },
  };
}
