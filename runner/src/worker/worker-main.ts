/**
 * @module Entry of the inference worker thread (built to dist/worker.js): loads one pipeline's model and runs
 * jobs one at a time, reporting results, errors and log lines to the HTTP thread.
 */
import { parentPort } from "node:worker_threads";
import { pipelineModule } from "../pipelines/index.js";
import type { LoadedPipeline } from "../pipelines/types.js";
import type { FromWorker, LoadRequest, ToWorker } from "./protocol.js";

const port = parentPort;
if (!port) throw new Error("worker-main must run in a worker thread");

let loaded: LoadedPipeline | undefined;
const send = (msg: FromWorker, transfer: Transferable[] = []) => port.postMessage(msg, transfer as never);
const log = (level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}) =>
  send({ type: "log", level, msg, fields });

async function load(req: LoadRequest) {
  const started = performance.now();
  try {
    const pipeline = await pipelineModule(req.pipeline).worker();
    loaded = await pipeline.load({ ...req, log });
    send({
      type: "loaded",
      seconds: (performance.now() - started) / 1000,
      provider: loaded.provider,
      info: loaded.info,
    });
  } catch (err) {
    send({ type: "load-failed", message: (err as Error).message });
  }
}

// Jobs arrive one at a time (the HTTP side queues), but chain them anyway so the worker never interleaves runs.
let chain: Promise<void> = Promise.resolve();

port.on("message", (msg: ToWorker) => {
  if (msg.type === "load") chain = chain.then(() => load(msg));
  else if (msg.type === "run") {
    chain = chain.then(async () => {
      if (!loaded) return send({ type: "failed", id: msg.id, message: "no model is loaded" });
      const started = performance.now();
      try {
        const { output, transfer } = await loaded.run(msg.input);
        send({ type: "result", id: msg.id, output, runSeconds: (performance.now() - started) / 1000 }, transfer);
      } catch (err) {
        const status = (err as { status?: number }).status;
        send({ type: "failed", id: msg.id, message: (err as Error).message, ...(status ? { status } : {}) });
      }
    });
  } else if (msg.type === "close") {
    chain = chain.then(async () => {
      await loaded?.release();
      send({ type: "closed" });
      port.close();
    });
  }
});
