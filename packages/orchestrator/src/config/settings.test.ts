/** @module Settings: one name across flag, env var and settings file, with flag > env > file > default. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseGpus } from "../orchestrator.js";
import { envName, resolveSettings } from "./settings.js";

describe("resolveSettings", () => {
  it("applies defaults", () => {
    const s = resolveSettings([], {});
    expect(s).toMatchObject({ config: "aiModels.json", port: 8935, host: "127.0.0.1", launcher: "process" });
    expect(s.secret).toBeUndefined();
  });

  it("takes flag over env over settings file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "avs-settings-")), "orch.json");
    writeFileSync(file, JSON.stringify({ port: 1111, secret: "from-file", gpus: ["0", "1"], "runners-per-gpu": 2 }));
    const env = { AVS_ORCHESTRATOR_PORT: "2222", AVS_ORCHESTRATOR_SECRET: "from-env", AVS_ORCHESTRATOR_SETTINGS: file };
    const s = resolveSettings(["--port", "3333"], env);
    expect(s.port).toBe(3333);
    expect(s.secret).toBe("from-env");
    expect(s.gpus).toBe("0,1");
    expect(s.runnersPerGpu).toBe(2);
    expect(resolveSettings([`--settings=${file}`], {}).port).toBe(1111);
  });

  it("reads the connection limits and metrics-token, in seconds, unset ones left to listen's defaults", () => {
    const s = resolveSettings(["--receive-timeout", "30", "--metrics-token", "tok"], {
      AVS_ORCHESTRATOR_MAX_CONNECTIONS_PER_CLIENT: "1024",
    });
    expect(s.connectionLimits).toEqual({ receiveTimeoutMs: 30_000, maxConnectionsPerClient: 1024 });
    expect(s.metricsToken).toBe("tok");
    expect(() => resolveSettings(["--max-connections", "2"], {})).toThrow(/max-connections/);
  });

  it("names the setting that is wrong", () => {
    expect(() => resolveSettings(["--launcher", "k8s"], {})).toThrow('launcher must be process or docker, got "k8s"');
    expect(() => resolveSettings(["--prot", "1"], {})).toThrow("unknown flag --prot (see --help)");
    expect(() => resolveSettings(["--port"], {})).toThrow("--port needs a value");
    expect(() => resolveSettings([], { AVS_ORCHESTRATOR_PORT: "x" })).toThrow('port must be a number ≥ 0, got "x"');
  });

  it("derives env names from flag names", () => {
    expect(envName("models-dir")).toBe("AVS_ORCHESTRATOR_MODELS_DIR");
  });
});

describe("parseGpus", () => {
  it("reads comma lists and treats empty as the CPU", () => {
    expect(parseGpus("0, 1")).toEqual(["0", "1"]);
    expect(parseGpus("")).toEqual([]);
    expect(parseGpus(undefined)).toEqual([]);
    expect(() => parseGpus("0,0")).toThrow("gpus lists a GPU twice: 0,0");
  });
});
