/**
 * @module Which server a URL is: a runner answers `GET /hardware/info` with its pipeline and model; an orchestrator
 * answers `GET /info` with its capabilities; a broadcaster (gateway) serves `GET /openapi.yaml` and `/health`.
 * The first two also tell the benchmark which pipeline and model to use when none is given.
 */

/** The kinds of target. */
export type TargetKind = "runner" | "orchestrator" | "broadcaster";

/** What was found at a URL. */
export interface DetectedTarget {
  kind: TargetKind;
  /** Pipelines and models it offers, when it says (runner: one; orchestrator: its capabilities). */
  offers: Array<{ pipeline: string; modelId: string; capacity?: number }>;
}

async function getJson(url: string, token?: string): Promise<unknown> {
  const res = await fetch(url, {
    headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  return res.json().catch(() => undefined);
}

/**
 * Finds out what kind of server `baseUrl` is (or checks `expected`).
 * @example await detectTarget("http://127.0.0.1:8000") // { kind: "runner", offers: [{ pipeline: "upscale", … }] }
 */
export async function detectTarget(baseUrl: string, token?: string, expected?: TargetKind): Promise<DetectedTarget> {
  const base = baseUrl.replace(/\/+$/, "");
  const tries: TargetKind[] = expected ? [expected] : ["runner", "orchestrator", "broadcaster"];
  for (const kind of tries) {
    if (kind === "runner") {
      const hw = (await getJson(`${base}/hardware/info`, token).catch(() => undefined)) as
        | { pipeline?: unknown; model_id?: unknown }
        | undefined;
      if (hw && typeof hw.pipeline === "string") {
        return { kind, offers: [{ pipeline: hw.pipeline, modelId: String(hw.model_id ?? "") }] };
      }
    } else if (kind === "orchestrator") {
      const info = (await getJson(`${base}/info`, token).catch(() => undefined)) as
        | { capabilities?: Array<{ pipeline: string; model_id: string; capacity: number }> }
        | undefined;
      if (info && Array.isArray(info.capabilities)) {
        return {
          kind,
          offers: info.capabilities.map((c) => ({ pipeline: c.pipeline, modelId: c.model_id, capacity: c.capacity })),
        };
      }
    } else {
      const spec = await fetch(`${base}/openapi.yaml`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      const text = spec?.ok ? await spec.text() : "";
      if (/^openapi:\s*3/m.test(text)) return { kind, offers: [] };
    }
  }
  throw new Error(
    expected
      ? `${base} does not answer like a ${expected} (see --target)`
      : `${base} answers neither /hardware/info (runner), /info (orchestrator) nor /openapi.yaml (broadcaster)`,
  );
}
