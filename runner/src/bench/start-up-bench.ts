/**
 * @module `avs-runner bench --start-up`: what a runner process costs to start, from `spawn` to its `model loaded`
 * line (what an orchestrator waits for when it starts a runner on first demand), as wall time and as the process's
 * own CPU (user + system, all threads, from `/proc/<pid>/stat`). The floor, measured in the same rounds: a bare Node
 * process that imports onnxruntime-node and opens every `.onnx` file of the model folder, the work no runner can
 * skip. With `--baseline <avs-runner.mjs>`, another build's runner is started in the same rounds too. Paths alternate
 * (floor, this build, baseline, floor, …) so each sees the same machine load. Linux only (`/proc`).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { modelPath } from "../models/layout.js";
import { benchFlags } from "./flags.js";

const HELP = `avs-runner bench --start-up — the CPU and time a runner process takes to start and load its model

Flags (defaults in brackets):
  --pipeline <name>      [upscale] the pipeline the runner serves
  --model-id <id>        [tiny/esrgan-x4] an installed model (avs-runner models install <id>)
  --model-dir <dir>      [MODEL_DIR or /models]
  --runs <n>             [5] starts per path, 1 or more (the figures are medians)
  --baseline <file>      another build's bin/avs-runner.mjs, started in the same rounds

Prints one line per path (median wall ms and CPU ms of the process) and, on its own line,
"start-up CPU: R × the floor", the floor being a Node process that only opens the model's ONNX files.
`;

const KNOWN = ["PIPELINE", "MODEL_ID", "MODEL_DIR", "RUNS", "BASELINE"];
/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on every Linux architecture Node runs on). */
const USER_HZ = 100;
/**
 * The floor's script: opens every file given, one session each, then prints a line and waits to be stopped. It
 * requires onnxruntime-node by the path this package resolves (a `-e` script resolves from the current folder).
 */
const FLOOR = `const ort = require(${JSON.stringify(createRequire(import.meta.url).resolve("onnxruntime-node"))});
(async () => { for (const f of process.argv.slice(1)) await ort.InferenceSession.create(f);
process.stdout.write("model loaded\\n"); setInterval(() => {}, 1000); })();`;

interface Start {
  wallMs: number;
  cpuMs: number;
}

/** Starts a process, waits for `model loaded` in its output, reads its CPU time, and stops it. */
async function timeStart(args: string[], env: NodeJS.ProcessEnv): Promise<Start> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  try {
    return await new Promise<Start>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "model loaded" after 60 s:\n${output.slice(-2000)}`)),
        60_000,
      );
      const look = (chunk: Buffer) => {
        output += chunk;
        if (!output.includes("model loaded")) return;
        clearTimeout(timer);
        const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        // utime and stime are fields 14 and 15 of stat(5); after "pid (comm) " they are the 12th and 13th.
        const ticks = Number(fields[11]) + Number(fields[12]);
        resolve({ wallMs: performance.now() - started, cpuMs: (ticks * 1000) / USER_HZ });
      };
      child.stdout!.on("data", look);
      child.stderr!.on("data", look);
      child.once("exit", (code) =>
        reject(new Error(`exited with ${code} before "model loaded":\n${output.slice(-2000)}`)),
      );
    });
  } finally {
    child.kill("SIGKILL");
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Every `.onnx` file under a folder, in a stable order. */
function onnxFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".onnx"))
    .sort()
    .map((f) => join(dir, f));
}

/** Runs the start-up benchmark from command-line arguments. */
export async function startUpBenchMain(args: string[]): Promise<void> {
  if (args.includes("--help")) return void process.stdout.write(HELP);
  const f = benchFlags(
    args.filter((a) => a !== "--start-up"),
    KNOWN,
  );
  const pipeline = f.text("PIPELINE") ?? "upscale";
  const modelId = f.text("MODEL_ID") ?? "tiny/esrgan-x4";
  const modelDir = f.text("MODEL_DIR") ?? process.env.MODEL_DIR ?? "/models";
  const runs = f.int("RUNS", 5, { min: 1 });
  const baseline = f.text("BASELINE");
  const folder = modelPath(modelDir, modelId);
  const files = existsSync(folder) ? onnxFiles(folder) : [];
  if (files.length === 0) {
    throw new Error(`no ONNX files under ${folder}; install the model first: avs-runner models install ${modelId}`);
  }
  if (baseline !== undefined && !existsSync(baseline)) throw new Error(`--baseline ${baseline} does not exist`);
  const bin = fileURLToPath(new URL("../bin/avs-runner.mjs", import.meta.url));
  const runnerArgs = ["--pipeline", pipeline, "--model-id", modelId, "--model-dir", modelDir, "--port", "0"];
  // As the orchestrator's launcher and the Docker image start runners.
  const env = { ...process.env, MALLOC_ARENA_MAX: "2", ORT_DISABLE_TELEMETRY: "1" };
  const paths: Array<[string, string[]]> = [
    ["floor (node + ONNX sessions)", ["-e", FLOOR, ...files]],
    ["this build", [bin, ...runnerArgs]],
  ];
  if (baseline) paths.push(["baseline", [baseline, ...runnerArgs]]);
  console.log(
    `start-up of a runner serving ${pipeline} with ${modelId} (${files.length} ONNX file(s)), ${runs} start(s) each`,
  );
  const results = new Map<string, Start[]>(paths.map(([name]) => [name, []]));
  await timeStart(paths[1]![1], env); // one untimed start: the files in the page cache for every path alike
  for (let i = 0; i < runs; i++) {
    for (const [name, argv] of paths) results.get(name)!.push(await timeStart(argv, env));
  }
  const cpu = (name: string) => median(results.get(name)!.map((r) => r.cpuMs));
  for (const [name] of paths) {
    const wall = median(results.get(name)!.map((r) => r.wallMs));
    console.log(
      `  ${name.padEnd(30)} ${wall.toFixed(0).padStart(6)} ms wall  ${cpu(name).toFixed(0).padStart(6)} ms CPU`,
    );
  }
  const floor = cpu(paths[0]![0]);
  console.log(`start-up CPU: ${(cpu("this build") / floor).toFixed(2)} × the floor`);
  if (baseline) console.log(`start-up CPU: ${(cpu("this build") / cpu("baseline")).toFixed(2)} × the baseline build`);
}
