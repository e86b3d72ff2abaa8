/**
 * @module Test helpers: the test kit's models directory (the runner's tiny ESRGAN installed by the real
 * `avs-runner models install`), PNGs, forms and polling, and an orchestrator started in this process on
 * 127.0.0.1 port 0, or the built `avs-orchestrator` binary as a process.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RunnerClient } from "@ai-video-subnet/runner-client";
import type { LogFields, Logger } from "@ai-video-subnet/server-kit";
import { TINY_UPSCALER } from "@ai-video-subnet/test-kit";
import { silentLogger } from "../src/index.js";
import { defaultRunnerCommand } from "../src/launchers/process-launcher.js";
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from "../src/orchestrator.js";

export {
  eventually,
  isAlive as alive,
  modelsDir,
  png,
  pngSize,
  TINY_UPSCALER as TINY,
  upscaleForm,
} from "@ai-video-subnet/test-kit";

/**
 * A logger that keeps every line (the orchestrator's and its runners'), to count and read what happened.
 * @example const log = recordingLogger(); …; expect(log.lines.filter((l) => l.msg === "runner stalled")).toEqual([])
 */
export function recordingLogger(): Logger & { lines: Array<{ msg: string } & LogFields> } {
  const lines: Array<{ msg: string } & LogFields> = [];
  const keep = (msg: string, fields?: LogFields) => void lines.push({ msg, ...fields });
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

/** Starts an orchestrator on 127.0.0.1:0 with silent logs unless `AVS_TEST_LOGS` is set. */
export async function startOrchestrator(
  options: Omit<OrchestratorOptions, "port" | "host">,
): Promise<Orchestrator & { url: string }> {
  const orch = await createOrchestrator({
    healthInterval: 0.5,
    startTimeout: 60,
    ...(process.env.AVS_TEST_LOGS ? {} : { log: silentLogger }),
    ...options,
    host: "127.0.0.1",
    port: 0,
  });
  const { url } = await orch.start();
  return Object.assign(orch, { url });
}

/**
 * Starts a real `avs-runner` (the tiny upscaler unless `serves` names another pipeline and model) outside any
 * orchestrator (an external runner), with `token`;
 * resolves with the process and its port (`port`, or any free one) once its model is loaded (`/health` says `OK`) — as
 * a runner someone else runs would be before an orchestrator is pointed at it. An orchestrator waits at most 10 s for
 * an external runner at start, and a loaded machine can take longer to load the model, so its first jobs got 503.
 */
export async function startExternalRunner(
  modelDir: string,
  token: string,
  port = 0,
  serves: { pipeline: string; modelId: string } = { pipeline: "upscale", modelId: TINY_UPSCALER },
): Promise<{ child: ChildProcess; port: number }> {
  const [node, bin] = defaultRunnerCommand() as [string, string];
  const child = spawn(node, [bin], {
    env: {
      ...process.env,
      PIPELINE: serves.pipeline,
      MODEL_ID: serves.modelId,
      MODEL_DIR: modelDir,
      AUTH_TOKEN: token,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const listening = await new Promise<number>((resolve) => {
    child.stdout!.on("data", (d: Buffer) => {
      const m = /"msg":"listening".*?"port":(\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
  });
  await new RunnerClient({ baseUrl: `http://127.0.0.1:${listening}`, token }).waitUntilReady(60_000);
  return { child, port: listening };
}

/**
 * A runner-like server on 127.0.0.1 (for an external entry): `/health` says OK, other GETs answer `{}`, an empty POST
 * (the orchestrator's token check) 422, and every job POST goes to `onJob`. Over https when given a key and
 * certificate (see {@link selfSignedCert}). Resolves with the server and its URL.
 * @example const { url } = await fakeRunner((req, res) => res.writeHead(413).end());
 */
export async function fakeRunner(
  onJob: http.RequestListener,
  tls?: { key: string; cert: string },
): Promise<{ server: http.Server; url: string }> {
  const listener: http.RequestListener = (req, res) => {
    // The orchestrator's token check at start (an empty JSON body, no job): a real runner with the right token
    // answers it 422, as here; it is no job for `onJob` to count or hold.
    if (req.method === "POST" && req.headers["content-length"] === "0") {
      res.writeHead(422, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ detail: [{ loc: ["body"], msg: "empty body", type: "missing" }] }));
    }
    if (req.method !== "GET") return onJob(req, res);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(req.url === "/health" ? JSON.stringify({ status: "OK" }) : "{}");
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `${tls ? "https" : "http"}://127.0.0.1:${port}` };
}

/**
 * A key and a self-signed certificate for 127.0.0.1 (P-256, valid one day), made by `openssl req -x509`; undefined
 * when there is no `openssl` on PATH.
 */
export function selfSignedCert(): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), "avs-orch-cert-"));
  try {
    const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BIN = fileURLToPath(new URL("../bin/avs-orchestrator.mjs", import.meta.url));

/**
 * Runs the built `avs-orchestrator` with `args` (in its own process group with `ownGroup`), collecting its JSON log
 * lines as they come; the child goes into `children` for the caller's cleanup.
 * @example const p = runOrchestratorBin(["--port", "0"], { children }); await eventually(() => p.lines.find(…));
 */
export function runOrchestratorBin(
  args: string[],
  options: { ownGroup?: boolean; env?: NodeJS.ProcessEnv; children: ChildProcess[] },
) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownGroup ?? false,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  options.children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  let buf = "";
  child.stdout!.on("data", (d) => {
    buf += d;
    let i = buf.indexOf("\n");
    while (i >= 0) {
      try {
        lines.push(JSON.parse(buf.slice(0, i)));
      } catch {}
      buf = buf.slice(i + 1);
      i = buf.indexOf("\n");
    }
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, lines, exit, stderr: () => stderr };
}
