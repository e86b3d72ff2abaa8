/**
 * @module Waiting for an orchestrator's warm runners: polls its `/info` until every capability that should be
 * warm says `warm: true`, failing early (with the orchestrator's last output) if the orchestrator exits.
 */
import type { Service } from "./service.js";

/** A capability as `/info` lists it. */
export interface Capability {
  pipeline: string;
  model_id: string;
  warm: boolean;
  capacity: number;
  in_use: number;
}

/**
 * Resolves with the capabilities once every `expected` one (pipeline + model) is warm.
 * @example await waitForWarm("http://127.0.0.1:8935", service, 120_000, [{ pipeline: "upscale", model_id: "tiny/esrgan-x4" }]);
 */
export async function waitForWarm(
  url: string,
  service: Service,
  timeoutMs: number,
  expected: ReadonlyArray<{ pipeline: string; model_id: string }>,
): Promise<Capability[]> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (!service.alive) await service.waitForLine(() => false, 0, "warm runners");
    try {
      const res = await fetch(`${url}/info`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) {
        const caps = ((await res.json()) as { capabilities: Capability[] }).capabilities;
        const cold = expected.filter(
          (e) => !caps.some((c) => c.pipeline === e.pipeline && c.model_id === e.model_id && c.warm),
        );
        if (cold.length === 0) return caps;
        last = `not warm yet: ${cold.map((c) => `${c.pipeline}/${c.model_id}`).join(", ")}`;
      } else last = `GET /info answered ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.name}: runners not warm within ${timeoutMs} ms (${last})`);
}
