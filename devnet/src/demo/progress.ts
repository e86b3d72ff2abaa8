/**
 * @module What the demo shows while it works: one line per step of model preparation and per runner state change
 * (loading, listening, model loaded, ready), prefixed with the seconds since start.
 */

import type { NetworkEvent } from "@ai-video-subnet/test-kit";
import type { PrepareEvent } from "../models/prepare-models.js";

const RUNNER_MESSAGES = new Set([
  "loading model",
  "model loaded",
  "runner ready",
  "model failed to load",
  "runner exited",
  "runner failed to start",
]);

/**
 * A printer of progress lines.
 * @example const p = progress(console.log); p.network({ kind: "starting", service: "broadcaster" });
 */
export function progress(print: (line: string) => void, started = Date.now()) {
  const say = (text: string) => print(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${text}`);
  return {
    say,
    prepare(e: PrepareEvent) {
      if (e.kind === "cached") say(`model ${e.modelId} already installed${e.tiny ? " (tiny test model)" : ""}`);
      else if (e.kind === "installing") say(`installing model ${e.modelId} (avs-runner models install) …`);
      else
        say(`installed ${e.modelId} in ${(e.ms / 1000).toFixed(1)}s${e.tiny ? " — tiny test model, not trained" : ""}`);
    },
    network(e: NetworkEvent) {
      if (e.kind === "starting") say(`starting ${e.service} …`);
      else if (e.kind === "listening") say(`${e.service} listening on ${e.url}`);
      else if (e.kind === "ready") say(`network ready: broadcaster at ${e.broadcasterUrl}`);
      else if (RUNNER_MESSAGES.has(e.msg)) {
        const ms = typeof e.fields.ms === "number" ? ` in ${(e.fields.ms / 1000).toFixed(1)}s` : "";
        const err = typeof e.fields.error === "string" ? `: ${e.fields.error}` : "";
        say(`${e.service} runner ${e.runner}: ${e.msg}${ms}${err}`);
      }
    },
  };
}
