/** @module `avs-runner models fetch <repo> [flags]`: argument parsing, progress on the terminal or as JSON lines. */
import { modelDirOf } from "../model-dir.js";
import { type FetchModelOptions, fetchModel } from "./fetch-model.js";
import { type FetchProgress, formatBytes, jsonProgress, ttyProgress } from "./progress.js";

const DEFAULT_ENDPOINT = "https://huggingface.co";

/** The `--help` of `models fetch`. */
export const FETCH_HELP = `Usage: avs-runner models fetch <repo> [flags]

Downloads a model repository from a Hugging Face-style server into MODEL_DIR/<repo>/ (or MODEL_DIR/<model id>/):
ONNX Stable Diffusion / SDXL / SVD folders (at the top or under one subfolder such as onnx/), single-file ONNX
models (ESRGAN, FILM; model.onnx, onnx/model.onnx or one *.onnx), and LoRAs (*.safetensors). Files are resumed with
HTTP Range after a dropped connection (and by re-running the same command), checked against the server's size and
sha256 (git blob id for small files), and the model is moved into place only when complete, with an avs-model.json.

Flags:
  --revision <rev>         branch, tag or commit (default main)
  --include <pattern>…     fetch only matching paths (shell wildcards on the whole path; * crosses /; repeatable),
                           e.g. --include '*.json' '*.txt' '*.onnx' '*.onnx_data' '*.pb'
  --endpoint <url>         the server (env HF_ENDPOINT, default https://huggingface.co)
  --model-dir <dir>        the models volume (env MODEL_DIR, default /models)
  --model-id <id>          store under this id instead of the repository id
  --retries <n>            further attempts of the listing and of each file after a dropped, stalled or too slow
                           connection or a 5xx, 408 or 429 answer, waiting 1 s, 2 s, 4 s…, or a 429's or 503's
                           Retry-After when longer (one over 300 s fails at once) (default 5; another 4xx, e.g. 404
                           or 401, fails at once)
  --stall-timeout <s>      cut a request that gets no answer, or a body that sends nothing, for this long (default 60;
                           then retried, see --retries)
  --min-speed <B/s>        cut a body that averages less over --min-speed-window (default 10000; 0: no floor)
  --min-speed-window <s>   the window of --min-speed (default 60)
  --dry-run                list the files and sizes; download nothing
  --help

Environment: HF_TOKEN (sent as a bearer token to the server only, never to the CDN it redirects to). An empty
variable counts as not set (HF_ENDPOINT= is the default server); an empty flag value (--revision=) is refused.
Progress: a bar when stdout is a terminal, else JSON lines
({"event":"listing_retry"|"listed"|"start"|"progress"|"retry"|"file"|"done"|"error",…}).
`;

/** Parsed `models fetch` arguments. */
interface FetchArgs {
  repo: string;
  revision: string | undefined;
  include: string[];
  endpoint: string | undefined;
  modelDir: string | undefined;
  modelId: string | undefined;
  retries: number | undefined;
  stallMs: number | undefined;
  minSpeed: number | undefined;
  speedWindowMs: number | undefined;
  dryRun: boolean;
  help: boolean;
}

/** A duration flag in seconds (decimals allowed), as milliseconds. */
function seconds(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || n <= 0 || n > 2_147_483) {
    throw new Error(`${flag} must be a number of seconds > 0 and ≤ 2147483, got ${JSON.stringify(v)}`);
  }
  return Math.max(1, Math.round(n * 1000));
}

function parse(args: string[]): FetchArgs {
  const out: FetchArgs = {
    repo: "",
    revision: undefined,
    include: [],
    endpoint: undefined,
    modelDir: undefined,
    modelId: undefined,
    retries: undefined,
    stallMs: undefined,
    minSpeed: undefined,
    speedWindowMs: undefined,
    dryRun: false,
    help: false,
  };
  let including = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      // An empty value (`--revision=`) would silently mean the default or nothing: refused, unlike an empty env var.
      if (v === undefined || v === "" || (inline === undefined && v.startsWith("--"))) {
        throw new Error(`${flag} needs a value`);
      }
      return v;
    };
    if (!flag.startsWith("--")) {
      if (including) out.include.push(flag);
      else if (!out.repo) out.repo = flag;
      else
        throw new Error(
          `unexpected argument ${JSON.stringify(flag)} (one repository per fetch; patterns follow --include)`,
        );
      continue;
    }
    including = false;
    if (flag === "--help" || flag === "-h") out.help = true;
    else if (flag === "--dry-run") out.dryRun = true;
    else if (flag === "--revision") out.revision = value();
    else if (flag === "--endpoint") out.endpoint = value();
    else if (flag === "--model-dir") out.modelDir = value();
    else if (flag === "--model-id") out.modelId = value();
    else if (flag === "--include") {
      out.include.push(value());
      including = true;
    } else if (flag === "--retries") {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 1000)
        throw new Error(`--retries must be a whole number from 0 to 1000, got ${JSON.stringify(v)}`);
      out.retries = Number(v);
    } else if (flag === "--stall-timeout") out.stallMs = seconds(flag, value());
    else if (flag === "--min-speed-window") out.speedWindowMs = seconds(flag, value());
    else if (flag === "--min-speed") {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
        throw new Error(`--min-speed must be a whole number of bytes a second ≥ 0, got ${JSON.stringify(v)}`);
      }
      out.minSpeed = n;
    } else throw new Error(`unknown flag ${flag} for models fetch (see avs-runner models fetch --help)`);
  }
  return out;
}

/**
 * The fetch `args` (after `fetch`) and `env` ask for, or `help` when they ask for the help. Empty env vars count as
 * not set (`HF_ENDPOINT=` is the default hub, `MODEL_DIR=` the default folder, `HF_TOKEN=` no token).
 *
 * @throws {Error} for a flag without a value or with an empty one, an unknown flag, no repository, or an endpoint that
 *   is no http(s) URL (naming `--endpoint` or `HF_ENDPOINT`).
 * @example fetchOptions(["org/m"], { HF_ENDPOINT: "" }).endpoint; // "https://huggingface.co"
 */
export function fetchOptions(args: string[], env: NodeJS.ProcessEnv = process.env): FetchModelOptions | "help" {
  const a = parse(args);
  if (a.help) return "help";
  if (!a.repo) throw new Error("models fetch needs a repository, e.g. avs-runner models fetch org/name (see --help)");
  const endpoint = a.endpoint ?? (env.HF_ENDPOINT || DEFAULT_ENDPOINT);
  if (!/^https?:\/\/[^/]/.test(endpoint) || !URL.canParse(endpoint)) {
    throw new Error(
      `${a.endpoint === undefined ? "HF_ENDPOINT" : "--endpoint"} must be an http(s) URL such as ${DEFAULT_ENDPOINT}, got ${JSON.stringify(endpoint)}`,
    );
  }
  return {
    repo: a.repo,
    revision: a.revision,
    include: a.include,
    endpoint,
    token: env.HF_TOKEN || undefined,
    modelDir: modelDirOf(a.modelDir, env),
    modelId: a.modelId,
    dryRun: a.dryRun,
    retries: a.retries,
    stallMs: a.stallMs,
    minSpeed: a.minSpeed,
    speedWindowMs: a.speedWindowMs,
  };
}

/**
 * Runs `models fetch` with `args` (after `fetch`).
 *
 * @example await fetchMain(["stabilityai/sd-turbo", "--revision", "onnx", "--include", "*.json", "*.onnx*"]);
 */
export async function fetchMain(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WriteStream = process.stdout,
): Promise<void> {
  const options = fetchOptions(args, env);
  if (options === "help") return void out.write(FETCH_HELP);
  const json = !out.isTTY;
  const progress: FetchProgress = json ? jsonProgress((line) => out.write(`${line}\n`)) : ttyProgress(out);
  try {
    const result = await fetchModel({ ...options, progress });
    if (result.dryRun) {
      for (const f of result.files) {
        out.write(`${formatBytes(f.size).padStart(9)}  ${f.path}${f.local !== f.path ? ` → ${f.local}` : ""}\n`);
      }
      out.write(
        `${result.files.length} files, ${formatBytes(result.files.reduce((s, f) => s + f.size, 0))} → ${result.path} (dry run: nothing written)\n`,
      );
    }
  } catch (err) {
    if (json) out.write(`${JSON.stringify({ event: "error", msg: (err as Error).message })}\n`);
    throw err;
  }
}
