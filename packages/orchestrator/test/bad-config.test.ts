/** @module Start-up errors of createOrchestrator: each names the entry or setting and what is allowed. */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/ai-models.js";
import { silentLogger } from "../src/index.js";
import { createOrchestrator, parseGpus } from "../src/orchestrator.js";

const quiet = { log: silentLogger, modelsDir: "/nonexistent-models" };

describe("createOrchestrator refuses bad configuration", () => {
  it("names the first warm entry that does not fit on the devices, in the file the list came from", async () => {
    const models = [
      { pipeline: "upscale", model_id: "a", warm: true },
      { pipeline: "upscale", model_id: "b", warm: true },
    ];
    await expect(createOrchestrator({ ...quiet, models, gpus: "0" })).rejects.toThrow(
      'aiModels.json entry 1 (upscale "b"): 2 warm runners do not fit on 1 GPU(s) with runners-per-gpu 1 (1 runner(s) at once)',
    );
    await expect(createOrchestrator({ ...quiet, models, modelsSource: "chain.json", gpus: "0" })).rejects.toThrow(
      /^chain\.json entry 1 \(upscale "b"\): 2 warm runners/,
    );
  });

  it("names a cold entry that could never start because the warm runners fill every device", async () => {
    const models = [
      { pipeline: "upscale", model_id: "a", warm: true },
      { pipeline: "upscale", model_id: "b" },
    ];
    await expect(createOrchestrator({ ...quiet, models })).rejects.toThrow(
      'aiModels.json entry 1 (upscale "b"): this cold entry could never start: the 1 warm runner(s) fill the 1 ' +
        "runner(s) the CPU holds at once with runners-per-gpu 1, and warm runners are never evicted; raise " +
        "runners-per-gpu, add GPUs, or make a warm entry cold",
    );
    // Room for one more, or the cold entry reached by URL: accepted (not started here).
    const dir = mkdtempSync(join(tmpdir(), "avs-fit-"));
    for (const id of ["a", "b"]) mkdirSync(join(dir, id));
    try {
      for (const ok of [
        { models, runnersPerGpu: 2 },
        { models: [models[0]!, { ...models[1]!, url: "http://127.0.0.1:9" }] },
      ]) {
        const orch = await createOrchestrator({ ...quiet, modelsDir: dir, ...ok });
        await orch.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start without a usable ffmpeg when a model needs mp4 encoding, saying how to install it", async () => {
    const video = [{ pipeline: "image-to-video", model_id: "tiny/svd" }];
    await expect(createOrchestrator({ ...quiet, models: video, ffmpeg: "/nonexistent/ffmpeg" })).rejects.toThrow(
      /^image-to-video needs ffmpeg with libx264 to encode the mp4, but "\/nonexistent\/ffmpeg" cannot be used \(spawnSync \/nonexistent\/ffmpeg ENOENT\); install it \(Debian\/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg\) or point --ffmpeg \(AVS_ORCHESTRATOR_FFMPEG\) at it$/,
    );
    // `false` runs and fails: not an ffmpeg either.
    await expect(createOrchestrator({ ...quiet, models: video, ffmpeg: "false" })).rejects.toThrow(
      /\(it exited with 1\)/,
    );
    // Models that never encode video do not need it.
    const images = await createOrchestrator({
      ...quiet,
      models: [{ pipeline: "upscale", model_id: "a" }],
      ffmpeg: "/nonexistent/ffmpeg",
    });
    await images.stop();
  });

  it("refuses a video entry whose runner would find no ffmpeg or ffprobe, rather than restart it over and over", async () => {
    const entry = (flags: Record<string, string>) => [
      { pipeline: "upscale", model_id: "a" },
      { pipeline: "video-upscale", model_id: "tiny/esrgan-x4", optimization_flags: flags },
    ];
    await expect(
      createOrchestrator({ ...quiet, models: entry({ FFMPEG_PATH: "/nonexistent/ffmpeg" }) }),
    ).rejects.toThrow(
      /^aiModels\.json entry 1 \(video-upscale "tiny\/esrgan-x4"\): its runner needs ffmpeg and ffprobe, but "\/nonexistent\/ffmpeg" cannot be run \(spawnSync \/nonexistent\/ffmpeg ENOENT\); install ffmpeg .* or set FFMPEG_PATH and FFPROBE_PATH in the entry's optimization_flags$/,
    );
    await expect(
      createOrchestrator({ ...quiet, models: entry({ FFPROBE_PATH: "/nonexistent/ffprobe" }) }),
    ).rejects.toThrow(/but "\/nonexistent\/ffprobe" cannot be run/);
    const fromFile = { ...quiet, models: entry({ FFPROBE_PATH: "/nonexistent/ffprobe" }), modelsSource: "video.json" };
    await expect(createOrchestrator(fromFile)).rejects.toThrow(/^video\.json entry 1 \(video-upscale /);
    // An external runner's ffmpeg is its own business; the default PATH has both here.
    const external = [
      {
        pipeline: "frame-interpolation",
        model_id: "f",
        url: "http://127.0.0.1:9",
        optimization_flags: { FFMPEG_PATH: "/nonexistent/ffmpeg" },
      },
    ];
    await (await createOrchestrator({ ...quiet, models: external })).stop();
    await (await createOrchestrator({ ...quiet, models: entry({}) })).stop();
  });

  it.each(["../../etc", "/etc/passwd", "tiny/ésrgan", "a/b/c", "a/../b"])(
    "refuses model_id %j for a runner it starts (the runner would refuse it at every restart)",
    async (id) => {
      await expect(createOrchestrator({ ...quiet, models: [{ pipeline: "upscale", model_id: id }] })).rejects.toThrow(
        `aiModels.json entry 0 (upscale ${JSON.stringify(id)}): model_id ${JSON.stringify(id)} is not a folder name a runner can load from the models directory: use "name" or "org/name" (letters, digits, . _ -; no "..")`,
      );
    },
  );

  it("refuses an output-dir that is not a directory, or cannot be made, naming the setting", async () => {
    const models = [{ pipeline: "upscale", model_id: "a" }];
    // Before: a failed start of code 1 with "EEXIST: file already exists, mkdir '/etc/passwd'".
    for (const [dir, why] of [
      ["/etc/passwd", "is not a directory"],
      ["/etc/passwd/outputs", "is not a directory"],
      // Node's recursive mkdir never returned here (at full CPU): the start hung.
      ["/proc/self/avs-nope/outputs", "cannot be made (ENOENT)"],
    ]) {
      await expect(createOrchestrator({ ...quiet, models, outputsDir: dir })).rejects.toThrow(
        `output-dir (--output-dir, AVS_ORCHESTRATOR_OUTPUT_DIR): ${dir} ${why}; point it at a directory this process can write, or leave it out for a temporary one`,
      );
    }
  });

  it("names the model list file in entry errors", async () => {
    await expect(
      createOrchestrator({ ...quiet, models: [{ pipeline: "upscale" }], modelsSource: "/etc/avs/aiModels.json" }),
    ).rejects.toThrow("/etc/avs/aiModels.json entry 0 (upscale): model_id must be a non-empty string, got nothing");
  });

  it("refuses an unknown launcher and bad GPU lists", async () => {
    const models = [{ pipeline: "upscale", model_id: "a" }];
    await expect(createOrchestrator({ ...quiet, models, launcher: "k8s" as never })).rejects.toThrow(
      'launcher must be process or docker, got "k8s"',
    );
    for (const bad of ["0,a b", "abc", "0x1", "GPU-"]) {
      await expect(createOrchestrator({ ...quiet, models, gpus: bad })).rejects.toThrow(
        /^gpus must be GPU indexes \(0,1\) or UUIDs \(GPU-…, MIG-…, as nvidia-smi -L lists them\) separated by commas, got "/,
      );
    }
    expect(parseGpus("0, 1,GPU-8932f937-d72c-4106-c12f-20bd9faed9f6,MIG-GPU-8932f937/1/0")).toHaveLength(4);
    await expect(createOrchestrator({ ...quiet, models, runnersPerGpu: 0 })).rejects.toThrow(
      "runners-per-gpu must be a whole number from 1 to 64, got 0",
    );
  });

  it("refuses a runner-command that is not an executable file", async () => {
    const models = [{ pipeline: "upscale", model_id: "a" }];
    await expect(createOrchestrator({ ...quiet, models, runnerCommand: ["/nonexistent/avs-runner"] })).rejects.toThrow(
      'runner-command: "/nonexistent/avs-runner" is not an executable file; point it at avs-runner (or leave it out for the bundled one)',
    );
    await expect(createOrchestrator({ ...quiet, models, runnerCommand: ["no-such-runner-cmd"] })).rejects.toThrow(
      'runner-command: "no-such-runner-cmd" is not an executable file on PATH;',
    );
    await expect(createOrchestrator({ ...quiet, models, runnerCommand: [] })).rejects.toThrow(
      "runner-command is empty: name avs-runner's command, or leave it out",
    );
    const ok = await createOrchestrator({ ...quiet, models, runnerCommand: [process.execPath, "runner.mjs"] });
    await ok.stop();
  });

  it("refuses a docker launcher whose name cannot name containers, or whose dockerd is not there", async () => {
    const models = [{ pipeline: "upscale", model_id: "a" }];
    for (const name of ["qa ops/x", "-x", "a".repeat(65)]) {
      await expect(createOrchestrator({ ...quiet, models, launcher: "docker", name })).rejects.toThrow(
        `name ${JSON.stringify(name)} cannot name the runner containers: use 1-64 letters, digits, _ . - (not first)`,
      );
    }
    const socket = `/tmp/avs-no-dockerd-${process.pid}.sock`;
    const said: string[] = [];
    const log = { ...silentLogger, info: (msg: string) => void said.push(msg) };
    const orch = await createOrchestrator({ ...quiet, log, models, launcher: "docker", dockerSocket: socket, port: 0 });
    const started = orch.start();
    await expect(started).rejects.toThrow(
      `cannot reach dockerd at ${socket} (connect ENOENT ${socket}): is it running? set --docker-socket to its socket`,
    );
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    // Refused before the port is taken: no "listening" line for a server that never serves.
    expect(said).not.toContain("listening");
    await orch.stop();
    // Every entry reached by URL: the docker launcher starts nothing, so its daemon is not asked for.
    const external = [{ pipeline: "upscale", model_id: "a", url: "http://127.0.0.1:9" }];
    const none = await createOrchestrator({
      ...quiet,
      models: external,
      launcher: "docker",
      dockerSocket: socket,
      port: 0,
      startTimeout: 1,
    });
    await none.start();
    await none.stop();
  });
});
