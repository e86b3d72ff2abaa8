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
    expect(() => loadConfig([], { PORT: "eighty" })).toThrow(
      'PORT must be a whole number from 0 to 65535, got "eighty"',
    );
    expect(() => loadConfig([], { EXECUTION_PROVIDER: "tpu" })).toThrow(
      'EXECUTION_PROVIDER must be cpu, cuda or webgpu, got "tpu"',
    );
    expect(() => parseFlags(["--colour", "red"])).toThrow("unknown flag --colour (see --help)");
    expect(() => parseFlags(["--port"])).toThrow("--port needs a value");
    expect(parseFlags(["--port=", "--queue-size", "3", "--queue-size="])).toEqual({ QUEUE_SIZE: "3" });
  });

  it("refuses values a runner could not use, naming the setting, the value and what is allowed", () => {
    const refused: Array<[string[], NodeJS.ProcessEnv, string]> = [
      [
        [],
        { MAX_UPLOAD_BYTES: "65537.5" },
        'MAX_UPLOAD_BYTES must be a whole number from 1 to 9007199254740991, got "65537.5"',
      ],
      [["--port", "70000"], {}, 'PORT must be a whole number from 0 to 65535, got "70000"'],
      [["--queue-size="], {}, "--queue-size needs a value"],
      [[], { INTRA_OP_THREADS: "5000" }, 'INTRA_OP_THREADS must be a whole number from 0 to 1024, got "5000"'],
      [[], { SPIN_WAIT: "2" }, 'SPIN_WAIT must be a whole number from 0 to 1, got "2"'],
      [[], { TILE_SIZE: "0" }, 'TILE_SIZE must be a whole number from 16 to 9007199254740991, got "0"'],
      [[], { MAX_IMAGE_SIDE: "0" }, 'MAX_IMAGE_SIDE must be a whole number from 1 to 9007199254740991, got "0"'],
      [[], { MAX_VIDEO_SECONDS: "0" }, 'MAX_VIDEO_SECONDS must be a number from 1 to 9007199254740991, got "0"'],
      [[], { SHUTDOWN_GRACE: "1e20" }, 'SHUTDOWN_GRACE must be a number from 0 to 2147483 s, got "1e20"'],
    ];
    for (const [argv, env, message] of refused) expect(() => loadConfig(argv, env), message).toThrow(message);
    expect(loadConfig([], { QUEUE_SIZE: "", MAX_UPLOAD_BYTES: "65537" })).toMatchObject({
      queueSize: 8,
      maxUploadBytes: 65537,
    });
  });
});
