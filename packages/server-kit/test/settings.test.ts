/** @module The settings parser: one name per setting across flag, env var and file; precedence; errors that name the setting. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  envName,
  flagName,
  parseSettings,
  readFlags,
  SettingsError,
  type SettingsSchema,
  settingsHelp,
} from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "avs-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMA = {
  envPrefix: "AVS_TEST_",
  file: "settings",
  positional: "url",
  settings: [
    { name: "url", kind: "string", help: "server to call" },
    { name: "port", kind: "integer", unit: "port", default: "8000", help: "listen port" },
    { name: "grace", kind: "number", unit: "s", min: 0.5, default: "2.5", help: "seconds to wait" },
    { name: "timeout-ms", kind: "number", unit: "ms", min: 1, help: "ms to wait" },
    { name: "size", kind: "number", unit: "bytes", help: "bytes at most" },
    { name: "count", kind: "integer", help: "how many" },
    { name: "home", kind: "url", help: "where to go" },
    { name: "level", kind: "choice", choices: ["debug", "info"], default: "info", help: "log level" },
    { name: "key", kind: "list", help: "a key (repeat)" },
    { name: "gpus", kind: "string", shownDefault: "none", help: "GPU ids" },
  ],
} as const satisfies SettingsSchema;

const LIVEPEER = {
  envPrefix: "",
  file: "CONFIG",
  settings: [
    { name: "MODEL_ID", kind: "string", default: "a/b", help: "model to load" },
    { name: "PNG_COMPRESSION", kind: "integer", max: 9, default: "1", help: "zlib level" },
  ],
} as const satisfies SettingsSchema;

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

describe("parseSettings", () => {
  it("derives flag and env names from the one name", () => {
    expect(flagName("MODEL_ID")).toBe("--model-id");
    expect(flagName("models-dir")).toBe("--models-dir");
    expect(envName("AVS_ORCHESTRATOR_", "models-dir")).toBe("AVS_ORCHESTRATOR_MODELS_DIR");
    expect(envName("", "MODEL_ID")).toBe("MODEL_ID");
  });

  it("applies defaults and types values by kind", () => {
    const { help, values } = parseSettings(SCHEMA, [], {});
    expect(help).toBe(false);
    expect(values).toEqual({
      url: undefined,
      port: 8000,
      grace: 2.5,
      level: "info",
      key: undefined,
      gpus: undefined,
    });
    expectTypeOf(values.port).toEqualTypeOf<number>();
    expectTypeOf(values.url).toEqualTypeOf<string | undefined>();
    expectTypeOf(values.key).toEqualTypeOf<unknown[] | undefined>();
  });

  it("takes flag over env over file over default", () => {
    const settings = file("all.json", { port: 1111, grace: 9, level: "debug", gpus: ["0", "1"], key: ["f1", "f2"] });
    const env = { AVS_TEST_PORT: "2222", AVS_TEST_GRACE: "3", AVS_TEST_SETTINGS: settings };
    const { values } = parseSettings(SCHEMA, ["--port", "3333"], env);
    expect(values).toMatchObject({ port: 3333, grace: 3, level: "debug", gpus: "0,1", key: ["f1", "f2"] });
    expect(parseSettings(SCHEMA, [`--settings=${settings}`], {}).values.port).toBe(1111);
  });

  it("repeats list flags, splits list env vars on commas, keeps a file's list entries as they are", () => {
    expect(parseSettings(SCHEMA, ["--key", "a", "--key=b"], {}).values.key).toEqual(["a", "b"]);
    expect(parseSettings(SCHEMA, [], { AVS_TEST_KEY: " a, b ,," }).values.key).toEqual(["a", "b"]);
    const settings = file("objects.json", { key: [{ url: "x", secret: "s" }] });
    expect(parseSettings(SCHEMA, ["--settings", settings], {}).values.key).toEqual([{ url: "x", secret: "s" }]);
  });

  it("still reads a setting's former names from flags, env and file, the current name winning", () => {
    const RENAMED = {
      envPrefix: "AVS_TEST_",
      file: "settings",
      settings: [{ name: "output-dir", kind: "string", formerly: ["outputs-dir"], help: "where outputs go" }],
    } as const satisfies SettingsSchema;
    expect(parseSettings(RENAMED, ["--outputs-dir", "/old"], {}).values["output-dir"]).toBe("/old");
    expect(parseSettings(RENAMED, ["--output-dir=/new", "--outputs-dir", "/old"], {}).values["output-dir"]).toBe(
      "/new",
    );
    expect(parseSettings(RENAMED, [], { AVS_TEST_OUTPUTS_DIR: "/env" }).values["output-dir"]).toBe("/env");
    const old = file("renamed.json", { "outputs-dir": "/file" });
    expect(parseSettings(RENAMED, ["--settings", old], {}).values["output-dir"]).toBe("/file");
    expect(settingsHelp(RENAMED)).not.toContain("outputs-dir");
  });

  it("treats an empty environment variable as not given, and refuses an empty flag value", () => {
    expect(parseSettings(SCHEMA, [], { AVS_TEST_PORT: "" }).values.port).toBe(8000);
    expect(() => parseSettings(SCHEMA, ["--port="], {})).toThrow(new SettingsError("--port needs a value"));
    expect(() => parseSettings(SCHEMA, ["--port", ""], {})).toThrow(new SettingsError("--port needs a value"));
    expect(readFlags(["--port="], ["port"])).toEqual(new Map([["port", [""]]]));
  });

  it("bounds every number by its unit, else by the largest safe integer", () => {
    const ok = (argv: string[]) => parseSettings(SCHEMA, argv, {}).values;
    expect(ok(["--port", "65535"]).port).toBe(65535);
    expect(ok(["--timeout-ms", "2147483647"])["timeout-ms"]).toBe(2 ** 31 - 1);
    expect(ok(["--grace", "2147483"]).grace).toBe(2147483);
    expect(ok(["--size", "9007199254740991"]).size).toBe(Number.MAX_SAFE_INTEGER);
    const refused = (argv: string[]) => () => parseSettings(SCHEMA, argv, {});
    expect(refused(["--port", "70000"])).toThrow('port must be a whole number from 0 to 65535, got "70000"');
    expect(refused(["--timeout-ms", "1e20"])).toThrow(
      'timeout-ms must be a number from 1 to 2147483647 ms, got "1e20"',
    );
    expect(refused(["--grace", "99999999999999999999"])).toThrow(
      'grace must be a number from 0.5 to 2147483 s, got "99999999999999999999"',
    );
    expect(refused(["--size", "1.5"])).toThrow('size must be a whole number from 0 to 9007199254740991, got "1.5"');
    expect(refused(["--count", "1e16"])).toThrow('count must be a whole number from 0 to 9007199254740991, got "1e16"');
  });

  it("reads numbers written in decimal only: no hex, binary, sign or exponent for a whole number", () => {
    const refused = (argv: string[]) => () => parseSettings(SCHEMA, argv, {});
    for (const text of ["0x4e21", "+20001", "1e4", "0b1", "0o7", "2_000", "Infinity"]) {
      expect(refused([`--port=${text}`])).toThrow(
        `port must be a whole number from 0 to 65535, got ${JSON.stringify(text)}`,
      );
    }
    expect(refused(["--grace", "0x10"])).toThrow('grace must be a number from 0.5 to 2147483 s, got "0x10"');
    const ok = (argv: string[]) => parseSettings(SCHEMA, argv, {}).values;
    expect(ok(["--grace", "1.5e1"]).grace).toBe(15);
    expect(ok(["--grace", ".75"]).grace).toBe(0.75);
    expect(ok(["--size", "5e7"]).size).toBe(50_000_000);
    expect(parseSettings(SCHEMA, [], { AVS_TEST_PORT: " 8080 " }).values.port).toBe(8080);
  });

  it("takes a URL setting only as an absolute http(s) URL", () => {
    expect(parseSettings(SCHEMA, ["--home", "https://example.com/base"], {}).values.home).toBe(
      "https://example.com/base",
    );
    for (const bad of ["notaurl", "ftp://example.com", "http://", "/relative"]) {
      expect(() => parseSettings(SCHEMA, ["--home", bad], {})).toThrow(
        `home must be an absolute http(s) URL, got ${JSON.stringify(bad)}`,
      );
    }
  });

  it("refuses a file value of the wrong JSON type: arrays, objects or booleans for one value", () => {
    const read = (name: string, value: unknown) => () => parseSettings(SCHEMA, ["--settings", file(name, value)], {});
    const path = (name: string) => join(dir, name);
    expect(read("array.json", { count: [3] })).toThrow(
      `count in the file ${path("array.json")} must be a JSON number (or a string of one), got [3]`,
    );
    expect(read("flag.json", { port: true })).toThrow(
      `port in the file ${path("flag.json")} must be a JSON number (or a string of one), got true`,
    );
    // A number written as a string is read as a flag's text is, bounds included.
    expect(read("text.json", { port: "8935" })().values).toMatchObject({ port: 8935 });
    expect(read("text-over.json", { port: "70000" })).toThrow(
      'port must be a whole number from 0 to 65535, got "70000"',
    );
    expect(read("object.json", { gpus: { a: 1 } })).toThrow(
      `gpus in the file ${path("object.json")} must be a JSON string, got {"a":1}`,
    );
    expect(read("good.json", { port: 0, gpus: "0,1", key: ["a"] })().values).toMatchObject({ port: 0, gpus: "0,1" });
  });

  it("takes the positional argument as its setting, once", () => {
    expect(parseSettings(SCHEMA, ["http://127.0.0.1:1"], {}).values.url).toBe("http://127.0.0.1:1");
    expect(() => parseSettings(SCHEMA, ["http://a", "http://b"], {})).toThrow(
      'unexpected argument "http://b" (see --help)',
    );
    expect(() => parseSettings(LIVEPEER, ["serve"], {})).toThrow('unexpected argument "serve" (see --help)');
  });

  it("reads Livepeer-style names: flag --model-id, env and file key MODEL_ID", () => {
    const config = file("runner.json", { MODEL_ID: "from/file", PNG_COMPRESSION: 4 });
    const { values } = parseSettings(LIVEPEER, ["--config", config, "--model-id=from/flag"], { PNG_COMPRESSION: "6" });
    expect(values).toEqual({ MODEL_ID: "from/flag", PNG_COMPRESSION: 6 });
  });

  it("names the setting that is wrong and what is allowed", () => {
    const fails = (argv: string[], env: Record<string, string> = {}, schema: SettingsSchema = SCHEMA) => {
      try {
        parseSettings(schema, argv, env);
      } catch (err) {
        expect(err).toBeInstanceOf(SettingsError);
        return (err as Error).message;
      }
      throw new Error("did not throw");
    };
    expect(fails(["--port", "eighty"])).toBe('port must be a whole number from 0 to 65535, got "eighty"');
    expect(fails(["--port", "1.5"])).toBe('port must be a whole number from 0 to 65535, got "1.5"');
    expect(fails([], { AVS_TEST_GRACE: "0.1" })).toBe('grace must be a number from 0.5 to 2147483 s, got "0.1"');
    expect(fails(["--level", "loud"])).toBe('level must be debug or info, got "loud"');
    expect(fails(["--png-compression", "12"], {}, LIVEPEER)).toBe(
      'PNG_COMPRESSION must be a whole number from 0 to 9, got "12"',
    );
    expect(fails(["--colour", "red"])).toBe("unknown flag --colour (see --help)");
    expect(fails(["--port"])).toBe("--port needs a value");
    expect(fails(["--settings", join(dir, "missing.json")])).toMatch(
      /^cannot read the settings file .*missing\.json: ENOENT/,
    );
    expect(fails(["--settings", file("list.json", [1])])).toMatch(/must hold a JSON object of setting names$/);
    expect(fails(["--settings", file("unknown.json", { prot: 1 })])).toMatch(
      /has an unknown setting "prot" \(see --help\)$/,
    );
  });

  it("matches choices without regard to case", () => {
    expect(parseSettings(SCHEMA, ["--level", " DEBUG "], {}).values.level).toBe("debug");
  });

  it("stops at --help without checking anything else", () => {
    expect(parseSettings(SCHEMA, ["--port", "x", "-h"], {}).help).toBe(true);
  });
});

describe("settingsHelp", () => {
  it("lists flag / env var, help and default of every setting, the settings file first", () => {
    const help = settingsHelp(SCHEMA).split("\n");
    expect(help[0]).toMatch(/^ {2}--settings \/ AVS_TEST_SETTINGS +a JSON file of settings, keyed by these names$/);
    expect(help).toContainEqual(expect.stringMatching(/^ {2}--port \/ AVS_TEST_PORT +listen port \(default: 8000\)$/));
    expect(help).toContainEqual(expect.stringMatching(/^ {2}--gpus \/ AVS_TEST_GPUS +GPU ids \(default: none\)$/));
    expect(help).toContainEqual(expect.stringMatching(/^ {2}--url \/ AVS_TEST_URL +server to call$/));
    expect(settingsHelp(LIVEPEER)).toContain("  --model-id / MODEL_ID");
  });

  it("puts the text of a long name on the next line, aligned", () => {
    const long = settingsHelp({
      envPrefix: "AVS_BROADCASTER_",
      file: "config",
      settings: [{ name: "request-timeout-ms", kind: "number", default: "3", help: "longest attempt" }],
    }).split("\n");
    expect(long.slice(1)).toEqual([
      "  --request-timeout-ms / AVS_BROADCASTER_REQUEST_TIMEOUT_MS",
      `${" ".repeat(46)}longest attempt (default: 3)`,
    ]);
  });
});
