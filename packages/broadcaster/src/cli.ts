/** @module The `avs-broadcaster` command: parse the configuration, start, and stop cleanly on SIGINT/SIGTERM/SIGHUP. */

import { stopOnSignals, widenHeapHeadroom } from "@ai-video-subnet/server-kit";
import pkg from "../package.json" with { type: "json" };
import { createBroadcaster } from "./broadcaster.js";
import { HELP, parseConfig } from "./config/cli-config.js";
import { BadOrchestratorEntry } from "./orchestrators/sources.js";

if (process.argv.includes("--version")) {
  console.log(pkg.version);
  process.exit(0);
}

let parsed: ReturnType<typeof parseConfig>;
try {
  parsed = parseConfig(process.argv.slice(2), process.env);
} catch (err) {
  console.error(`avs-broadcaster: ${(err as Error).message}`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
// Room for the uploads' Buffers between full GCs (server-kit's heap-headroom.ts); `node --heap-growing-percent=N` overrides.
widenHeapHeadroom();
const broadcaster = createBroadcaster(parsed.options);
// A signal during the start stops it once started. stop() ends within the grace and a few seconds whatever the stores
// do; the backstop (from the signal) is for a start or stop that hangs.
const signals = stopOnSignals({
  log: broadcaster.logger,
  backstopMs: (broadcaster.options.shutdownGrace + 10) * 1000,
});
try {
  await broadcaster.start();
} catch (err) {
  broadcaster.logger.error("could not start", { error: (err as Error).message });
  // A bad entry of the orchestrators file is a bad setting, found once the file is read: exit 2, as for the others.
  process.exit(err instanceof BadOrchestratorEntry ? 2 : 1);
}
signals.arm(() => broadcaster.stop());
