/**
 * @module `start-timeout` governs a runner's whole start, the wait for its `listening` line included: a runner
 * command that never listens (a hung start-up, an image that never binds) fails a cold job's start, and keeps a warm
 * runner from being ready, within `start-timeout`, not after a fixed minute. And a runner that exits while loading
 * its model keeps its own explanation (its last output) in the failure.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { eventually, modelsDir, recordingLogger, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

const models = modelsDir([TINY]);
const dir = mkdtempSync(join(tmpdir(), "avs-start-timeout-"));
// A runner that starts and never binds a port: it prints nothing and sleeps.
const hang = join(dir, "hang.sh");
writeFileSync(hang, "#!/bin/sh\nexec sleep 600\n");
chmodSync(hang, 0o755);
afterAll(() => {
  models.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

let orch: Awaited<ReturnType<typeof startOrchestrator>> | undefined;
afterEach(async () => {
  await orch?.stop();
  orch = undefined;
});

describe("start-timeout", () => {
  it("bounds a cold job's wait for a runner that never reports listening", async () => {
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY }],
      modelsDir: models.dir,
      runnerCommand: [hang],
      startTimeout: 2,
    });
    const started = Date.now();
    const res = await fetch(`${orch.url}/upscale`, { method: "POST", body: upscaleForm(TINY) });
    const seconds = (Date.now() - started) / 1000;
    expect(res.status).toBe(503);
    expect((await res.json()).detail.msg).toMatch(/did not report listening within 2000 ms/);
    expect(seconds).toBeLessThan(10);
  }, 30_000);

  it("fails a warm runner's start at start-timeout and logs why", async () => {
    const log = recordingLogger();
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
      runnerCommand: [hang],
      startTimeout: 2,
      log,
    });
    const failure = await eventually(
      () => log.lines.find((l) => l.msg === "runner failed to start"),
      10_000,
      "a failed start",
    );
    expect(String(failure.error)).toMatch(
      /^runner upscale\.tiny-esrgan-x4\.0 did not report listening within 2000 ms$/,
    );
  }, 30_000);
});

describe("a runner that exits while loading its model", () => {
  it("keeps the runner's own explanation in the failure", async () => {
    // Listens (on a port nothing serves), then explains itself and exits, as a runner that cannot read its model does.
    const dies = join(dir, "dies.sh");
    writeFileSync(
      dies,
      '#!/bin/sh\necho \'{"msg":"listening","port":9}\'\nsleep 0.3\necho "cannot read the model folder /m: permission denied" >&2\nexit 1\n',
    );
    chmodSync(dies, 0o755);
    const log = recordingLogger();
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: TINY, warm: true }],
      modelsDir: models.dir,
      runnerCommand: [dies],
      log,
    });
    const failure = await eventually(
      () => log.lines.find((l) => l.msg === "runner failed to start"),
      10_000,
      "a failed start",
    );
    expect(String(failure.error)).toBe(
      "runner upscale.tiny-esrgan-x4.0 exited while loading its model (code 1); last output:\n" +
        '{"msg":"listening","port":9}\ncannot read the model folder /m: permission denied',
    );
  }, 30_000);
});
