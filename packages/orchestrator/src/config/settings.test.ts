/** @module Settings: one name across flag, env var and settings file, with flag > env > file > default. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseGpus } from "../orchestrator.js";
import { envName, resolveSettings, settingsHelp } from "./settings.js";

const dir = mkdtempSync(join(tmpdir(), "avs-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("resolveSettings", () => {
  it("applies defaults", () => {
    const s = resolveSettings([], {});
    expect(s).toMatchObject({ config: "aiModels.json", port: 8935, host: "127.0.0.1", launcher: "process" });
    expect(s.secret).toBeUndefined();
  });

  it("takes flag over env over settings file", () => {
    const file = join(mkdtempSync(join(dir, "file-")), "orch.json");
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
    expect(() => resolveSettings([], { AVS_ORCHESTRATOR_PORT: "x" })).toThrow(
      'port must be a whole number from 0 to 65535, got "x"',
    );
  });

  it("refuses values that pass a loose check and break the program later, naming the setting and what is allowed", () => {
    const refused: Array<[string[], string]> = [
      [
        ["--max-upload-bytes", "1.5"],
        'max-upload-bytes must be a whole number from 1048576 to 9007199254740991, got "1.5"',
      ],
      [
        ["--output-memory-bytes", "0.5"],
        'output-memory-bytes must be a whole number from 0 to 9007199254740991, got "0.5"',
      ],
      [["--port", "70000"], 'port must be a whole number from 0 to 65535, got "70000"'],
      [["--port", "1.5"], 'port must be a whole number from 0 to 65535, got "1.5"'],
      [["--port="], "--port needs a value"],
      [
        ["--shutdown-grace", "99999999999999999999"],
        'shutdown-grace must be a number from 0 to 2147483 s, got "99999999999999999999"',
      ],
      [["--receive-timeout", "1e20"], 'receive-timeout must be a number from 1 to 2147483 s, got "1e20"'],
      [["--start-timeout", "0"], 'start-timeout must be a number from 1 to 2147483 s, got "0"'],
      [["--job-timeout", "0"], 'job-timeout must be a number from 1 to 2147483 s, got "0"'],
      [["--health-interval", "0"], 'health-interval must be a number from 0.1 to 2147483 s, got "0"'],
      [["--output-retention", "0"], 'output-retention must be a number from 1 to 2147483 s, got "0"'],
      [["--keep-alive-timeout", "0"], 'keep-alive-timeout must be a number from 0.1 to 2147483 s, got "0"'],
      [["--retry-after", "1.5"], 'retry-after must be a whole number from 0 to 2147483 s, got "1.5"'],
      [["--runners-per-gpu", "-1"], 'runners-per-gpu must be a whole number from 1 to 64, got "-1"'],
      [["--runners-per-gpu", "0"], 'runners-per-gpu must be a whole number from 1 to 64, got "0"'],
      [["--public-url", "notaurl"], 'public-url must be an absolute http(s) URL, got "notaurl"'],
      // 0 made every multipart job a 413 while /ready said OK.
      [
        ["--max-upload-bytes", "0"],
        'max-upload-bytes must be a whole number from 1048576 to 9007199254740991, got "0"',
      ],
      [
        ["--max-answer-bytes", "1024"],
        'max-answer-bytes must be a whole number from 1048576 to 9007199254740991, got "1024"',
      ],
    ];
    for (const [argv, message] of refused) expect(() => resolveSettings(argv, {}), argv.join(" ")).toThrow(message);
    const ok = resolveSettings(
      [
        "--max-upload-bytes",
        "1048576",
        "--port",
        "65535",
        "--shutdown-grace",
        "0",
        "--public-url",
        "https://a.example/x",
      ],
      {},
    );
    expect(ok).toMatchObject({
      maxUploadBytes: 1048576,
      maxAnswerBytes: 512 * 1024 * 1024,
      port: 65535,
      shutdownGrace: 0,
      publicUrl: "https://a.example/x",
    });
  });

  it("refuses a settings-file value of the wrong JSON type", () => {
    const file = (value: unknown) => {
      const path = join(mkdtempSync(join(dir, "file-")), "orch.json");
      writeFileSync(path, JSON.stringify(value));
      return path;
    };
    const array = file({ "runners-per-gpu": [3] });
    expect(() => resolveSettings(["--settings", array], {})).toThrow(
      `runners-per-gpu in the file ${array} must be a JSON number (or a string of one), got [3]`,
    );
    const text = file({ port: true });
    expect(() => resolveSettings(["--settings", text], {})).toThrow(
      `port in the file ${text} must be a JSON number (or a string of one), got true`,
    );
  });

  it("reads runner-stall-timeout as flag, env var and file key, 120 s by default, 0 = off", () => {
    expect(resolveSettings([], {}).runnerStallTimeout).toBe(120);
    expect(resolveSettings(["--runner-stall-timeout", "0"], {}).runnerStallTimeout).toBe(0);
    expect(resolveSettings([], { AVS_ORCHESTRATOR_RUNNER_STALL_TIMEOUT: "45" }).runnerStallTimeout).toBe(45);
    const file = join(mkdtempSync(join(dir, "file-")), "orch.json");
    writeFileSync(file, JSON.stringify({ "runner-stall-timeout": 300 }));
    expect(resolveSettings(["--settings", file], {}).runnerStallTimeout).toBe(300);
    expect(() => resolveSettings(["--runner-stall-timeout", "-1"], {})).toThrow(
      'runner-stall-timeout must be a number from 0 to 2147483 s, got "-1"',
    );
    expect(settingsHelp()).toMatch(
      /--runner-stall-timeout \/ AVS_ORCHESTRATOR_RUNNER_STALL_TIMEOUT\s+seconds a runner [^\n]*\(default: 120\)/,
    );
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
    expect(() => parseGpus("0,0")).toThrow(
      "gpus lists a GPU twice: 0 and 0 are the same GPU (the same index); list each GPU once, by its index or its UUID",
    );
  });

  it("refuses one GPU named twice: UUIDs differing only in case, or one the start of the other", () => {
    const uuid = "GPU-8f3a2b1c-aaaa-bbbb-cccc-0123456789ab";
    const twice = (a: string, b: string, why: string) =>
      `gpus lists a GPU twice: ${a} and ${b} are the same GPU (${why}); list each GPU once, by its index or its UUID`;
    expect(() => parseGpus(`${uuid},1,GPU-8F3A2B1C-AAAA-BBBB-CCCC-0123456789AB`)).toThrow(
      twice(uuid, "GPU-8F3A2B1C-AAAA-BBBB-CCCC-0123456789AB", "UUIDs are hexadecimal: they differ only in case"),
    );
    expect(() => parseGpus(`GPU-8f3a,${uuid}`)).toThrow(
      twice("GPU-8f3a", uuid, "one is the start of the other's UUID"),
    );
    expect(() => parseGpus("1,01")).toThrow(twice("1", "01", "the same index"));
    expect(parseGpus(`${uuid},GPU-9f3a,0,1`)).toEqual([uuid, "GPU-9f3a", "0", "1"]);
  });
});
