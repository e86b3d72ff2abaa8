/**
 * @module The runner's start-up says when it serves anyone: listening on 0.0.0.0 without AUTH_TOKEN logs a `warn`
 * line naming the address and the setting; on 127.0.0.1, or with a token, it does not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunnerServer } from "../src/server/serve.js";
import { memoryLogger, modelsDir, testConfig } from "./helpers.js";

describe("the open-access warning", () => {
  let models: Awaited<ReturnType<typeof modelsDir>>;
  beforeAll(async () => {
    models = await modelsDir();
  });
  afterAll(() => models.cleanup());

  async function warnings(host: string, authToken: string) {
    const log = memoryLogger();
    const server = await startRunnerServer(testConfig(models.dir, { host, authToken }), log);
    await server.stop();
    return log.lines.filter((l) => l.level === "warn");
  }

  it("warns on 0.0.0.0 without AUTH_TOKEN", async () => {
    expect(await warnings("0.0.0.0", "")).toEqual([
      {
        level: "warn",
        msg: "generate routes need no token and 0.0.0.0 is not a loopback address: anyone who can reach this server can run jobs; set AUTH_TOKEN (--auth-token) to require one",
        host: "0.0.0.0",
        auth: "none",
        setting: "AUTH_TOKEN (--auth-token)",
      },
    ]);
  }, 30_000);

  it("does not warn on 127.0.0.1 without a token, nor on 0.0.0.0 with one", async () => {
    expect(await warnings("127.0.0.1", "")).toEqual([]);
    expect(await warnings("0.0.0.0", "s3cret")).toEqual([]);
  }, 30_000);
});
