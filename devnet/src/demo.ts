/**
 * @module The demo (`npm run demo`): prepares models, starts a broadcaster and orchestrators with their runners,
 * sends one job per available pipeline through the SDK, prints what happened, and keeps serving until Ctrl-C
 * (`--once`: exits after the jobs, 0 only if every job succeeded). Nothing it started outlives it.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { createClient } from "@ai-video-subnet/sdk";
import { type Network, startNetwork } from "@ai-video-subnet/test-kit";
import { demoPhotoPath, FILM_24FPS, type JobResult, runJob } from "./demo/jobs.js";
import { DEMO_HELP, demoBanner, parseDemoArgs } from "./demo/options.js";
import { progress } from "./demo/progress.js";
import { formatTable } from "./demo/table.js";
import { PIPELINE_ORDER, planModels } from "./models/model-plan.js";
import { prepareModels } from "./models/prepare-models.js";

async function main(argv: string[]): Promise<number> {
  const options = parseDemoArgs(argv, process.env);
  if (options.help) {
    process.stdout.write(DEMO_HELP);
    return 0;
  }
  const out = resolve(options.outputDir);
  const modelsDir = resolve(options.modelsDir);
  mkdirSync(out, { recursive: true });
  const p = progress((line) => console.log(line));

  let network: Network | undefined;
  let stopping: Promise<void> | undefined;
  let signalled = false;
  let serving = false;
  const stop = () => (stopping ??= network ? network.stop() : Promise.resolve());
  const waitForSignal = new Promise<string>((resolveSignal) => {
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.on(sig, () => {
        if (signalled) {
          console.log("second signal: killing everything now");
          process.exit(130);
        }
        signalled = true;
        resolveSignal(sig);
      });
    }
  });
  const interrupted = waitForSignal.then(async (sig) => {
    p.say(`${sig}: stopping the network …`);
    await stop();
    p.say("stopped; no process left behind");
    // Ctrl-C is how a serving demo normally ends; during set-up or the jobs it is an interruption.
    return serving ? 0 : 130;
  });

  const run = async (): Promise<number> => {
    const plan = planModels();
    const missing = PIPELINE_ORDER.filter((pl) => !plan.some((m) => m.pipeline === pl));
    console.log(`${demoBanner(options.orchestrators)}\n`);
    for (const m of plan) {
      console.log(
        `  ${m.pipeline.padEnd(15)} ${m.modelId}${m.tiny ? "  [tiny test model: not trained, the code path is real]" : ""}`,
      );
    }
    for (const pl of missing)
      console.log(`  ${pl.padEnd(15)} (not available yet: the runner has no pipeline or model for it)`);
    console.log("");
    if (plan.length === 0) throw new Error("no pipeline has an installable model");

    await prepareModels(
      modelsDir,
      plan.map((m) => m.modelId),
      (e) => p.prepare(e),
      { fresh: options.fresh },
    );
    const ids = [...new Set(plan.map((m) => m.modelId))];
    const entries = plan
      .filter((m, i) => plan.findIndex((x) => x.modelId === m.modelId && x.pipeline === m.pipeline) === i)
      .map((m) => ({
        pipeline: m.pipeline,
        model_id: m.modelId,
        warm: true,
        capacity: 1,
        price_per_unit: 1,
        pixels_per_unit: 1,
      }));
    p.say(`starting the network (${ids.length} model(s), ${entries.length} runner(s) per orchestrator) …`);
    // A request that names no model (as Livepeer's clients may send) runs the first model of its pipeline here.
    const defaults = [...new Map(plan.map((m) => [m.pipeline, m.modelId] as const).reverse())].reverse();
    network = await startNetwork({
      modelsDir,
      workDir: resolve(out, "network"),
      models: entries,
      orchestrators: options.orchestrators,
      broadcasterArgs: defaults.flatMap(([pipeline, modelId]) => ["--default-model", `${pipeline}=${modelId}`]),
      onEvent: (e) => p.network(e),
    });
    if (signalled) return 130;

    const client = createClient({ baseUrl: network.broadcasterUrl, timeoutMs: 300_000 });
    const photo = new Uint8Array(readFileSync(demoPhotoPath()));
    const results: JobResult[] = [];
    for (const m of plan) {
      p.say(`sending ${m.pipeline} (${m.modelId}) through the SDK …`);
      const r = await runJob(client, m, photo, out, (id) => network!.servedBy(id));
      p.say(r.ok ? `${m.pipeline} done in ${Math.round(r.latencyMs)} ms` : `${m.pipeline} FAILED: ${r.error}`);
      results.push(r);
      if (signalled) return 130;
    }
    const svd = plan.find((m) => m.pipeline === "image-to-video");
    if (svd && plan.some((m) => m.pipeline === "frame-interpolation")) {
      p.say(`sending image-to-video (${svd.modelId}) with output_fps 24: SVD, then FILM on the same orchestrator …`);
      const r = await runJob(client, svd, photo, out, (id) => network!.servedBy(id), FILM_24FPS);
      p.say(
        r.ok
          ? `~2 s at 24 fps in ${Math.round(r.latencyMs)} ms: ${shortPath(r.outputPath!)}`
          : `image-to-video at 24 fps FAILED: ${r.error}`,
      );
      results.push(r);
      if (signalled) return 130;
    }

    console.log(
      `\n${formatTable(
        ["pipeline", "model", "orchestrator", "latency", "output"],
        results.map((r) => [
          r.pipeline,
          `${r.modelId}${r.tiny ? " (tiny)" : ""}`,
          r.orchestrator ?? "?",
          `${Math.round(r.latencyMs)} ms`,
          r.ok ? shortPath(r.outputPath!) : `FAILED: ${r.error}`,
        ]),
      )}\n`,
    );
    if (results.some((r) => r.tiny)) {
      console.log(
        "(tiny) = a tiny test model, not trained: the real code path on simple weights whose output is known exactly\n" +
          "(tiny/film blends the two frames by t), so its pictures are not what a trained model makes.\n",
      );
    }
    const failed = results.filter((r) => !r.ok).length;
    if (options.once) {
      await stop();
      p.say(failed ? `${failed} of ${results.length} job(s) failed` : `all ${results.length} job(s) succeeded`);
      return failed ? 1 : 0;
    }
    serving = true;
    console.log(`Serving until Ctrl-C:
  broadcaster  ${network.broadcasterUrl}   (API reference: ${network.broadcasterUrl}/docs, metrics: /metrics)
${network.orchestrators.map((o) => `  ${o.name.padEnd(12)} ${o.url}/info`).join("\n")}
  logs         ${shortPath(resolve(out, "network"))}/*.log

Try: curl -F prompt=photo -F model_id=${plan.find((m) => m.pipeline === "upscale")?.modelId ?? "<model>"} -F image=@<picture.png> ${network.broadcasterUrl}/upscale
A request without model_id runs its pipeline's model here: ${defaults.map(([pl, m]) => `${pl}=${m}`).join(", ")}
`);
    return new Promise<number>(() => {});
  };

  try {
    const code = await Promise.race([run(), interrupted]);
    return signalled ? await interrupted : code;
  } catch (err) {
    console.error(`demo failed: ${(err as Error).message}`);
    await stop();
    return 1;
  }
}

/** A path relative to the working directory when it lies below it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`demo: ${err.message}`);
    process.exit(2);
  },
);
