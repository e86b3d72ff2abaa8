/** @module The `avs-runner` command: serve (default), `models install|fetch|list|verify`, `bench`. */
// First: ONNX Runtime's telemetry is off before any session exists (see onnx/telemetry.ts).
import "./onnx/telemetry.js";
import { widenHeapHeadroom } from "@ai-video-subnet/server-kit";
import { loadConfig, settingsHelp } from "./config.js";
import { jsonLogger } from "./log.js";
import { CATALOG } from "./models/catalog.js";
import { formatBytes } from "./models/fetch/progress.js";
import { installModel } from "./models/install.js";
import { installedModels } from "./models/layout.js";
import { checkReadable, modelDirOf } from "./models/model-dir.js";
import { verifyModel } from "./models/verify.js";
import { serveUntilSignal } from "./server/serve.js";
import { runnerVersion } from "./version.js";

const HELP = `avs-runner ${runnerVersion()} — serves one pipeline with one model on ONNX Runtime

Usage:
  avs-runner [serve] [flags]            serve (the default); settings below
  avs-runner models install <id>        install a model into MODEL_DIR (no network needed)
  avs-runner models fetch <repo> [--revision R] [--include pattern…] [--endpoint URL]
                                        download a model or LoRA from a Hugging Face-style server into MODEL_DIR
                                        (token from HF_TOKEN; avs-runner models fetch --help)
  avs-runner models list [--available]  installed models (tiny test models are marked); --available: installable ones
  avs-runner models verify <id>         check an installed model's files against the sha256 in avs-model.json
                                        (--quick: skip), load it and check its signature (a folder without
                                        avs-model.json is checked as the pipeline its layout shows)
  avs-runner bench [flags]              benchmark in-process and over HTTP (avs-runner bench --help)
  avs-runner --help | --version

Settings (flag / env var / key in the JSON file given by --config or CONFIG; flag > env > file > default):
${settingsHelp()}

Model ids of installable models: ${CATALOG.map((c) => c.id).join(", ")}
`;

/** The `--help` of `models` and of each of its subcommands but fetch (which has its own, FETCH_HELP). */
const MODELS_HELP: Record<string, string> = {
  models: `Usage: avs-runner models <install|fetch|list|verify> … [--model-dir <dir>]

  install <id>…        install a model into MODEL_DIR (no network needed)
  fetch <repo>         download a model or LoRA from a Hugging Face-style server (avs-runner models fetch --help)
  list [--available]   installed models; --available: installable ones
  verify <id>          check an installed model's files against avs-model.json's sha256, then load it

Each takes --help. --model-dir <dir>: the models volume (env MODEL_DIR, default /models; an empty --model-dir= is
refused, an empty MODEL_DIR counts as not set).
`,
  install: `Usage: avs-runner models install <id>… [--model-dir <dir>]

Installs each model into MODEL_DIR/<id>/ with an avs-model.json; no network needed. MODEL_DIR and missing parents
are created; a parent that is a file, not writable by this user, or on a file system that takes no folders (/proc)
is refused before anything is written.
  --model-dir <dir>    the models volume (env MODEL_DIR, default /models)

Model ids: ${CATALOG.map((c) => c.id).join(", ")}
`,
  list: `Usage: avs-runner models list [--available] [--model-dir <dir>]

Lists the models installed in MODEL_DIR (tiny test models are marked), each under its folder's id — the MODEL_ID
that serves it — with the id its avs-model.json records when that differs; symlinked folders are followed. A
folder whose avs-model.json cannot be read is named in a warning on stderr, the others are listed, and the exit
status is 1. A MODEL_DIR that does not exist or cannot be read by this user is an error (exit 1), not an empty list.
  --available          list the installable models instead
  --model-dir <dir>    the models volume (env MODEL_DIR, default /models)
`,
  verify: `Usage: avs-runner models verify <id> [--quick] [--model-dir <dir>]

Checks the installed model MODEL_DIR/<id>/: first every file avs-model.json records a sha256 for (models fetch
records one per file; each is hashed as a stream, about a second per GB, and every missing or changed file is
named), then loads the model and checks its inputs and outputs against its pipeline (a folder without
avs-model.json is checked as the pipeline its layout shows).
  --quick              skip the hashing: only load and check the model
  --model-dir <dir>    the models volume (env MODEL_DIR, default /models)
`,
};

const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;

const isHelp = (a: string) => a === "--help" || a === "-h";

/**
 * The arguments of `models install|list|verify`: ids, the command's `switches`, and `--model-dir <dir>` (or
 * `--model-dir=<dir>`; an empty value is refused, an empty `MODEL_DIR` counts as not set).
 */
function modelsArgs(sub: string, args: string[], switches: readonly string[]) {
  const rest: string[] = [];
  const on = new Set<string>();
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (eq < 0 && switches.includes(flag)) on.add(flag);
    else if (flag === "--model-dir") {
      const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
      if (!value || (eq < 0 && value.startsWith("--"))) throw new Error("--model-dir needs a value");
      dir = value;
    } else throw new Error(`unknown flag ${flag} for models ${sub} (see avs-runner models ${sub} --help)`);
  }
  return { modelDir: modelDirOf(dir), rest, on };
}

async function models(args: string[]) {
  const [sub, ...tail] = args;
  if (sub === undefined) throw new Error("models needs a command: install, fetch, list or verify (see --help)");
  if (isHelp(sub) || sub === "help") return void process.stdout.write(MODELS_HELP.models!);
  if (["install", "list", "verify"].includes(sub) && tail.some(isHelp)) {
    return void process.stdout.write(MODELS_HELP[sub]!);
  }
  if (sub === "fetch") return (await import("./models/fetch/fetch-cli.js")).fetchMain(tail);
  const switches = { list: ["--available"], verify: ["--quick"] }[sub as "list" | "verify"] ?? [];
  const { modelDir, rest, on } = modelsArgs(sub, tail, switches);
  if (sub === "install") {
    if (rest.length === 0) throw new Error("models install needs a model id (see avs-runner --help)");
    for (const id of rest) {
      const { path, manifest } = await installModel(id, modelDir);
      console.log(`installed ${id} (${manifest.tiny ? "tiny test model" : manifest.source}) → ${path}`);
    }
  } else if (sub === "list") {
    if (on.has("--available")) {
      for (const c of CATALOG)
        console.log(`${c.id.padEnd(32)} ${c.pipeline.padEnd(10)} ${c.tiny ? "[tiny] " : ""}${c.description}`);
      return;
    }
    checkReadable(modelDir);
    // What can be read is listed; a broken folder is a warning now and exit status 1 at the end.
    const broken: string[] = [];
    const found = await installedModels(modelDir, (dir, err) => {
      broken.push(dir);
      console.error(`avs-runner: warning: ${err.message}; ${dir} is not listed`);
    });
    if (found.length === 0) console.log(`no models installed in ${modelDir}`);
    for (const m of found) {
      const recorded = m.recorded_id ? ` (avs-model.json says ${m.recorded_id}: renamed or copied)` : "";
      console.log(
        `${m.model_id.padEnd(32)} ${m.pipeline.padEnd(10)} ${m.tiny ? "[tiny test model]" : m.source}${recorded}`,
      );
    }
    if (broken.length) throw new Error(`${broken.length} model folder(s) could not be read: ${broken.join(", ")}`);
  } else if (sub === "verify") {
    if (rest.length !== 1) throw new Error("models verify needs one model id");
    const report = await verifyModel(modelDir, rest[0]!, {
      quick: on.has("--quick"),
      onHashing: (c) =>
        console.log(`checking ${files(c.files)} (${formatBytes(c.bytes)}) against the sha256 in avs-model.json`),
    });
    console.log(
      `ok ${report.model_id}: ${report.pipeline}, inputs [${report.inputs}] → outputs [${report.outputs}]` +
        `${report.scale ? `, scale ×${report.scale}` : ""}${report.signature ? `; FILM: ${report.signature}` : ""}` +
        `${report.summary ? `, ${report.summary}` : ""}` +
        `${report.tiny ? " [tiny test model]" : ""}` +
        `${report.hashed ? `; ${files(report.hashed.files)} match avs-model.json` : on.has("--quick") ? "; files not hashed (--quick)" : ""}`,
    );
  } else {
    throw new Error(`unknown command "models ${sub ?? ""}"; use install, fetch, list or verify`);
  }
}

// A closed stdout (e.g. piped into `head`) must not crash a runner that is shutting down.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
});

async function main(argv: string[]) {
  const [cmd, ...rest] = argv;
  if (cmd === "--help" || cmd === "-h" || cmd === "help") return void process.stdout.write(HELP);
  if (cmd === "--version") return void console.log(runnerVersion());
  if (cmd === "models") return models(rest);
  // Before the inference worker exists (V8's flags are the process's): ONNX Runtime's outputs are ArrayBuffers, which
  // V8 counts against the old generation's small limit, so a tiny model's requests otherwise start a full collection
  // every few requests. The bench's in-process lines run the same code, so they get it too.
  widenHeapHeadroom();
  if (cmd === "bench") return (await import("./bench/cli.js")).benchMain(rest);
  const args = cmd === "serve" ? rest : argv;
  if (args.includes("--help")) return void process.stdout.write(HELP);
  await serveUntilSignal(loadConfig(args), jsonLogger);
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`avs-runner: ${err.message}`);
  process.exit(1);
});
