/**
 * @module Peak memory while a benchmark runs, sampled every 250 ms: the resident memory of the target as its
 * Prometheus `/metrics` reports it (`process_resident_memory_bytes`, or the broadcaster's prefixed name), of this
 * process for the in-process target, and the GPU memory in use from `nvidia-smi` where it exists.
 */
import { execFile } from "node:child_process";

/** Peaks seen, in bytes; undefined where nothing could be read. */
export interface MemoryPeaks {
  targetRssBytes?: number;
  gpuUsedBytes?: number;
}

const RSS = /^(?:\w+_)?process_resident_memory_bytes(?:\{[^}]*\})?\s+([0-9.e+]+)/m;

async function scrapeRss(url: string, token?: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) return void (await res.body?.cancel());
    const m = RSS.exec(await res.text());
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
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
export function sampleMemory(o: { url?: string; token?: string; inProcess?: boolean; intervalMs?: number }): {
  stop(): Promise<MemoryPeaks>;
} {
  const peaks: MemoryPeaks = {};
  const max = (key: keyof MemoryPeaks, v: number | undefined) => {
    if (v !== undefined) peaks[key] = Math.max(peaks[key] ?? 0, v);
  };
  let busy: Promise<void> = Promise.resolve();
  const tick = () => {
    busy = (async () => {
      if (o.inProcess) max("targetRssBytes", process.memoryUsage.rss());
      else if (o.url) max("targetRssBytes", await scrapeRss(o.url, o.token));
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
      return peaks;
    },
  };
}
