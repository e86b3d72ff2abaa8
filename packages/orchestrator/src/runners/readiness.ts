/**
 * @module What `GET /ready` says once the warm runners' start is over: ready while at least one model this
 * orchestrator advertises can take a job now — a runner of it is ready, or it is a cold runner a job may start (not
 * waiting out a failure backoff). A warm or external runner that is down, restarting or in backoff takes no job
 * until it is ready again, so an orchestrator whose every runner is so is not ready: a load balancer or a broadcaster
 * polling `/ready` sends its jobs elsewhere instead of into 503s.
 */
import type { ManagedRunner } from "./managed-runner.js";
import type { RunnerPool } from "./runner-pool.js";

/** Ready, or why not. */
export type RunnersReadiness = { ready: true } | { ready: false; reason: string };

/**
 * Whether any runner of `pool` can take a job now, and when none can, the state of each.
 * @example runnersReadiness(pool) // { ready: false, reason: 'no runner can take a job: upscale "a/b" restarting' }
 */
export function runnersReadiness(pool: RunnerPool): RunnersReadiness {
  if (pool.runners.some((r) => canTakeJob(pool, r))) return { ready: true };
  const states = pool.runners.map((r) => `${r.entry.pipeline} ${JSON.stringify(r.entry.modelId)} ${stateOf(pool, r)}`);
  return { ready: false, reason: `no runner can take a job: ${[...new Set(states)].join(", ")}` };
}

function canTakeJob(pool: RunnerPool, r: ManagedRunner): boolean {
  if (r.state === "ready") return true;
  // A cold runner is started by the job that needs it (and joined by the next ones while it starts).
  const cold = !r.entry.warm && !r.external;
  return cold && (r.state === "starting" || (r.state === "stopped" && !pool.inBackoff(r)));
}

function stateOf(pool: RunnerPool, r: ManagedRunner): string {
  if (pool.inBackoff(r)) return "waiting out a failure backoff";
  if (r.external) return r.refusal ?? "unreachable";
  return { starting: "restarting", stopping: "stopping", stopped: "stopped", ready: "ready" }[r.state];
}
