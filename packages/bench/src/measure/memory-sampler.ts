/**
 * @module Peak memory while a benchmark runs, sampled every 250 ms: the resident memory of the target as its
 * Prometheus `/metrics` reports it (`process_resident_memory_bytes`, or the broadcaster's prefixed name), of this
 * process for the in-process target, and the GPU memory in use from `nvidia-smi` where it exists. When the target's
 * resident memory cannot be read, the peaks say why (a `/metrics` that wants a token answers 401).
 */
import { execFile } from "node:child_process";
import { answerMessage } from "./run-load.js";

/** Peaks seen, in bytes; undefined where nothing could be read. */
export interface MemoryPeaks {
  targetRssBytes?: number;
  /** Why `targetRssBytes` is missing: what the target's `/metrics` answered (the first failure of the level). */
  targetRssUnavailable?: string;
  gpuUsedBytes?: number;
}

const RSS = /^(?:\w+_)?process_resident_memory_bytes(?:\{[^}]*\})?\s+([0-9.e+]+)/m;

/** What a scrape gave: the resident memory, or why there is none. */
type Scrape = { rss: number } | { why: string };

async function scrapeRss(url: string, token?: string): Promise<Scrape> {
  try {
    const res = await fetch(`${url}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(2000),
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok) return { why: refusal(res.status, answerMessage(body), token !== undefined) };
    const m = RSS.exec(body.toString("utf8"));
    return m ? { rss: Number(m[1]) } : { why: "GET /metrics has no process_resident_memory_bytes" };
  } catch (err) {
    const e = err as Error & { cause?: { message?: string } };
    return { why: `GET /metrics failed: ${e.cause?.message ?? e.message}` };
  }
}

/** Where avs-bench takes the token of a target's `/metrics` from. */
const GIVE = "--metrics-token (or AVS_BENCH_METRICS_TOKEN)";

/**
 * Why a `/metrics` answer gave no memory, and for the metrics guard's 401 and 403 what to do about it.
 * @example refusal(401, "missing bearer token", false) // "GET /metrics answered 401 (missing bearer token): give …"
 */
function refusal(status: number, message: string | undefined, sentToken: boolean): string {
  const said = `GET /metrics answered ${status}${message ? ` (${message})` : ""}`;
  if (status === 401) {
    const sent = sentToken ? "the token sent (--metrics-token, else --token) is not its metrics token; " : "";
    return `${said}: ${sent}give its metrics token with ${GIVE}`;
  }
  if (status === 403) return `${said}: start the target with a metrics-token and give it with ${GIVE}`;
  return said;
}

function gpuUsed(): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(
      "nvidia-smi",
      ["--query-gpu=memory.used", "--format=csv,noheader,nounits"],
      { timeout: 2000 },
      (err, stdout) => {
        if (err) return resolve(undefined);
        const mib = stdout
          .split("\n")
          .map((l) => Number(l.trim()))
          .filter((n) => Number.isFinite(n) && n > 0);
        resolve(mib.length ? mib.reduce((a, b) => a + b, 0) * 1024 * 1024 : undefined);
      },
    );
  });
}

/**
 * Samples memory until `stop()`, which resolves with the peaks.
 * @example const sampler = sampleMemory({ url }); await runLoad(...); const peaks = await sampler.stop();
 */
export function sampleMemory(o: {
  url?: string;
  /** The bearer token of the target's `/metrics`. */
  token?: string;
  inProcess?: boolean;
  intervalMs?: number;
}): {
  stop(): Promise<MemoryPeaks>;
} {
  const peaks: MemoryPeaks = {};
  let unavailable: string | undefined;
  const max = (key: "targetRssBytes" | "gpuUsedBytes", v: number | undefined) => {
    if (v !== undefined) peaks[key] = Math.max(peaks[key] ?? 0, v);
  };
  let busy: Promise<void> = Promise.resolve();
  const tick = () => {
    busy = (async () => {
      if (o.inProcess) max("targetRssBytes", process.memoryUsage.rss());
      else if (o.url) {
        const scrape = await scrapeRss(o.url, o.token);
        if ("rss" in scrape) max("targetRssBytes", scrape.rss);
        else unavailable ??= scrape.why;
      }
      max("gpuUsedBytes", await gpuUsed());
    })();
  };
  tick();
  const timer = setInterval(tick, o.intervalMs ?? 250);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      tick();
      await busy;
      if (peaks.targetRssBytes === undefined && unavailable) peaks.targetRssUnavailable = unavailable;
      return peaks;
    },
  };
}
