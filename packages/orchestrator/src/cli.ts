/** @module The `avs-orchestrator` command: reads settings and the model list, serves until SIGTERM/SIGINT/SIGHUP. */

import { readFile } from "node:fs/promises";
import { jsonLogger, SettingsError, stopOnSignals, widenHeapHeadroom } from "@ai-video-subnet/server-kit";
import pkg from "../package.json" with { type: "json" };
import { ConfigError } from "./config/ai-models.js";
import { resolveSettings, settingsHelp } from "./config/settings.js";
import { createOrchestrator } from "./orchestrator.js";

const HELP = `avs-orchestrator ${pkg.version} — runs runners on this machine's GPUs (or CPU) and serves jobs to broadcasters

Usage:
  avs-orchestrator --config aiModels.json --models-dir <dir> [--port <n>] [--secret <s>] [flags]
  avs-orchestrator --help | --version

Settings (flag / env var / key in the JSON file given by --settings or AVS_ORCHESTRATOR_SETTINGS;
flag > env > file > default; durations in seconds):
${settingsHelp()}

Status: GET /health is OK while the process serves; GET /ready is 200 once the warm runners started and 503 while
they start or once a stop began (point readiness probes there). Logs {"msg":"ready"} when /ready turns 200.

aiModels.json: [{"pipeline":"upscale","model_id":"upscalerjs/esrgan-slim-x4","warm":true,"capacity":1,
  "price_per_unit":1,"pixels_per_unit":1}], plus "url" and "token" for an external runner.
`;

async function main(argv: string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) return void process.stdout.write(HELP);
  if (argv.includes("--version")) return void console.log(pkg.version);
  const settings = resolveSettings(argv, process.env);
  // Room for the uploads' Buffers between full GCs (server-kit's heap-headroom.ts); `node --heap-growing-percent=N` overrides.
  widenHeapHeadroom();
  const log = jsonLogger({ level: settings.logLevel });
  const models = await readModelList(settings.config);
  const orchestrator = await createOrchestrator({ ...settings, models, modelsSource: settings.config, log });
  // Armed before the start: a signal while the warm runners start stops it at once, and start() then resolves.
  stopOnSignals({ log }).arm(() => orchestrator.stop());
  await orchestrator.start();
  // A stop that began while the warm runners started (SIGTERM at boot) made start() resolve: not ready, say nothing.
  if (orchestrator.readiness().ready) log.info("ready", { capabilities: orchestrator.pool.capabilities() });
}

async function readModelList(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read the model list ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  const config = err instanceof ConfigError || err instanceof SettingsError;
  console.error(
    JSON.stringify({
      level: "error",
      time: new Date().toISOString(),
      msg: config ? "bad configuration" : "failed",
      error: err.message,
    }),
  );
  process.exit(config ? 2 : 1);
});
