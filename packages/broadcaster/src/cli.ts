/** @module The `avs-broadcaster` command: parse the configuration, start, and stop cleanly on SIGINT/SIGTERM/SIGHUP. */

import { widenHeapHeadroom } from "@ai-video-subnet/server-kit";
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
try {
  await broadcaster.start();
} catch (err) {
  broadcaster.logger.error("could not start", { error: (err as Error).message });
  // A bad entry of the orchestrators file is a bad setting, found once the file is read: exit 2, as for the others.
  process.exit(err instanceof BadOrchestratorEntry ? 2 : 1);
}
let stopping = false;
// SIGHUP too (a closed terminal or ssh session): Node's default for it is to exit at once, dropping in-flight jobs.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    broadcaster.logger.info("stopping", { signal });
    // stop() ends within the grace and a few seconds whatever the stores do; this is only the backstop.
    const backstopS = broadcaster.options.shutdownGrace + 10;
    setTimeout(() => {
      broadcaster.logger.error("could not stop in time; exiting anyway", { waited_s: backstopS });
      process.exit(1);
    }, backstopS * 1000).unref();
    void broadcaster.stop().then(() => process.exit(0));
  });
}
