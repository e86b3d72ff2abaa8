/**
 * @module The environment a runner process starts with wherever the project starts one: the orchestrator's process
 * launcher and the runner's benchmark (the runner's Docker image sets the same in its `ENV`).
 */

/**
 * Variables every runner process gets unless the operator set them. `MALLOC_ARENA_MAX=2`: glibc otherwise gives each
 * thread that allocates its own malloc arena (up to 8 per core) — the runner's worker, ONNX Runtime's and libuv's
 * threads, sharp's encoder threads — and memory one thread frees stays in that thread's arena, unused by the others.
 * Capped, a 25-frame 1024×576 image-to-video request's first peak drops by ~10 MB (runner README, "Process environment";
 * history in runner/docs/performance.md, "Round 7 (memory)").
 *
 * @example spawn(node, [cli], { env: { ...RUNNER_PROCESS_ENV, ...process.env } })
 */
export const RUNNER_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };
