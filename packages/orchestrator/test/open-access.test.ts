/**
 * @module The orchestrator's start-up says when it serves anyone: `--host 0.0.0.0` without `--secret` logs a `warn`
 * line naming the address and the setting; on 127.0.0.1, or with a secret, it does not.
 */
import type { Logger } from "@ai-video-subnet/server-kit";
import { afterAll, describe, expect, it } from "vitest";
import { createOrchestrator } from "../src/orchestrator.js";
import { modelsDir, TINY } from "./helpers.js";

// Installed, so that the only warning is the one under test (a cold entry's missing model is another).
const models = modelsDir([TINY]);
afterAll(() => models.cleanup());

async function warnings(host: string, secret?: string) {
  const lines: Array<{ level: string; msg: string; [k: string]: unknown }> = [];
  const at = (level: string) => (msg: string, fields?: object) => lines.push({ level, msg, ...fields });
  const log: Logger = { info: at("info"), warn: at("warn"), error: at("error") };
  const orch = await createOrchestrator({
    models: [{ pipeline: "upscale", model_id: TINY, warm: false, capacity: 1 }],
    modelsDir: models.dir,
    host,
    port: 0,
    // A wildcard host needs one (see public-url.test.ts).
    publicUrl: "http://orch.example:8935",
    ...(secret ? { secret } : {}),
    log,
  });
  await orch.start();
  await orch.stop();
  return lines.filter((l) => l.level === "warn");
}

describe("the open-access warning", () => {
  it("warns on 0.0.0.0 without a secret", async () => {
    expect(await warnings("0.0.0.0")).toEqual([
      {
        level: "warn",
        msg: "job routes need no token and 0.0.0.0 is not a loopback address: anyone who can reach this server can run jobs; set --secret (AVS_ORCHESTRATOR_SECRET) to require one",
        host: "0.0.0.0",
        auth: "none",
        setting: "--secret (AVS_ORCHESTRATOR_SECRET)",
      },
    ]);
  });

  it("does not warn on 127.0.0.1 without a secret, nor on 0.0.0.0 with one", async () => {
    expect(await warnings("127.0.0.1")).toEqual([]);
    expect(await warnings("0.0.0.0", "s3cret")).toEqual([]);
  });
});
