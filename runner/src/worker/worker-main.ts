/**
 * @module Entry of the inference worker thread (built to dist/worker.js): loads one pipeline's model and runs
 * jobs one at a time, reporting results, domain errors, progress and log lines to the HTTP thread.
 */
// First: ONNX Runtime's telemetry is off before any session exists (see onnx/telemetry.ts).
import "../onnx/telemetry.js";
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import { errorToWire } from "../errors.js";
import { mark, timelineOn } from "../internal/timeline.js";
import { checkModelKind } from "../models/model-kind.js";
import { checkModelFolderFiles } from "../models/special-files.js";
import type { LoadedModel, WorkerHalf } from "../pipelines/contract.js";
import { workerHalf } from "../pipelines/worker-halves.js";
import { FlagJobControl, worthReporting } from "./job-control.js";
import { holdLoadGate, releaseLoadGate } from "./load-gate.js";
import type { FromWorker, LoadRequest, ProgressMessage, RunRequest, ToWorker } from "./protocol.js";

const port = parentPort;
// Started holding the load gate (see load-gate.ts): the imports, onnxruntime-node's binding among them, are done.
const startGate = (workerData as { gate?: Int32Array } | null)?.gate;
if (startGate) releaseLoadGate(startGate);
if (!port) throw new Error("worker-main must run in a worker thread");

if (timelineOn) {
  // Debugging only (see internal/timeline.ts): every session.run of the worker, whichever pipeline makes it.
  const proto = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
  const run = proto.run;
  proto.run = async function (this: ort.InferenceSession, ...args: Parameters<typeof run>) {
    mark("session.run-start");
    try {
      return await run.apply(this, args);
    } finally {
      mark("session.run-end");
    }
  } as typeof run;
}

let loaded: LoadedModel<unknown, unknown> | undefined;
const send = (msg: FromWorker, transfer: Transferable[] = []) => port.postMessage(msg, transfer as never);
const log = (level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}) =>
  send({ type: "log", level, msg, fields });

async function load(req: LoadRequest) {
  // Closed by a stop that came first: the runner is going, and a load begun now could be terminated mid-call.
  if (req.gate && !holdLoadGate(req.gate)) return send({ type: "load-failed", message: "the runner is stopping" });
  const started = performance.now();
  try {
    // Before a file is read: a FIFO among the model's files would block the load for ever.
    checkModelFolderFiles(req.modelPath);
    // Before the pipeline's own load, which would name the first file it misses in a folder of another pipeline.
    await checkModelKind(req.pipeline, req.modelPath);
    const worker = (await workerHalf(req.pipeline)()) as WorkerHalf<unknown, unknown, unknown>;
    loaded = await worker.load({ ...req, log });
    send({
      type: "loaded",
      seconds: (performance.now() - started) / 1000,
      provider: loaded.provider,
      info: loaded.info,
    });
  } catch (err) {
    send({ type: "load-failed", message: (err as Error).message });
  } finally {
    if (req.gate) releaseLoadGate(req.gate);
  }
}

async function run(msg: RunRequest) {
  if (!loaded) return send({ type: "failed", id: msg.id, error: { name: "JobError", message: "no model is loaded" } });
  // One message object per job, refilled at every report. Posting one costs ~10 µs, so a step nobody follows is
  // not posted unless it ends its stage (what a late subscriber is shown): unwatched, a step allocates nothing. The
  // steps skipped since the last report (consecutive ones of one stage) go with the next report as a range, so the
  // job's history on the HTTP side still holds every step for a subscriber that asks for it (`Last-Event-ID`).
  const report: ProgressMessage = { type: "progress", id: msg.id, stage: "", step: 0, total: 0, first: 0 };
  let skipping = false;
  let skippedFrom = 0;
  let skippedTo = 0;
  let skippedStage = "";
  let skippedTotal = 0;
  const flag = new Int32Array(msg.abort);
  const control = new FlagJobControl(flag, (p) => {
    const continues = skipping && p.stage === skippedStage && p.total === skippedTotal && p.step === skippedTo + 1;
    if (!worthReporting(flag, p)) {
      if (!continues) {
        skipping = true;
        skippedFrom = p.step;
        skippedStage = p.stage;
        skippedTotal = p.total;
      }
      skippedTo = p.step;
      return;
    }
    skipping = false;
    report.first = continues ? skippedFrom : p.step;
    report.stage = p.stage;
    report.step = p.step;
    report.total = p.total;
    send(report);
  });
  const started = performance.now();
  try {
    control.throwIfAborted();
    const { output, transfer } = await loaded.run(msg.input, control);
    mark("job-done");
    send({ type: "result", id: msg.id, output, runSeconds: (performance.now() - started) / 1000 }, transfer);
  } catch (err) {
    send({ type: "failed", id: msg.id, error: errorToWire(err) });
  }
}

// Jobs arrive one at a time (the HTTP side queues), but chain them anyway so the worker never interleaves runs.
let chain: Promise<void> = Promise.resolve();

port.on("message", (msg: ToWorker) => {
  if (msg.type === "load") chain = chain.then(() => load(msg));
  else if (msg.type === "run") {
    mark("job-received");
    chain = chain.then(() => run(msg));
  } else if (msg.type === "close") {
    chain = chain.then(async () => {
      await loaded?.release();
      send({ type: "closed" });
      port.close();
    });
  }
});
