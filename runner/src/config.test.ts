/** @module Settings resolve from flags, env and a config file with one name each, in that precedence. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseFlags } from "./config.js";

describe("config", () => {
  it("has the Livepeer defaults", () => {
    expect(loadConfig([], {})).toMatchObject({
      pipeline: "upscale",
      modelDir: "/models",
      port: 8000,
      host: "127.0.0.1",
      authToken: "",
      executionProvider: "cpu",
    });
  });

  it("takes flag over env over file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "avs-config-"));
    try {
      const file = join(dir, "runner.json");
      await writeFile(file, JSON.stringify({ PORT: 9000, MODEL_ID: "from/file", QUEUE_SIZE: 3, AUTH_TOKEN: "f" }));
      const config = loadConfig(["--config", file, "--port=0", "--model-id", "from/flag"], {
        PORT: "7000",
        QUEUE_SIZE: "5",
      });
      expect(config).toMatchObject({ port: 0, modelId: "from/flag", queueSize: 5, authToken: "f" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says what is wrong with a bad setting", () => {
    expect(() => loadConfig([], { PORT: "eighty" })).toThrow('PORT must be a whole number ≥ 0, got "eighty"');
    expect(() => loadConfig([], { EXECUTION_PROVIDER: "tpu" })).toThrow(
      'EXECUTION_PROVIDER must be cpu, cuda or webgpu, got "tpu"',
    );
    expect(() => parseFlags(["--colour", "red"])).toThrow("unknown flag --colour (see --help)");
    expect(() => parseFlags(["--port"])).toThrow("--port needs a value");
  });
});
