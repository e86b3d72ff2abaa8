/**
 * @module What the settings parser refuses that it once let through: a bearer token (`secret`, `metrics-token`)
 * outside RFC 6750's characters is named without its value ever being shown; a number for a bearer token in the
 * file; a renamed setting under both its names in one file; a settings file that is not a small regular file
 * (`/dev/zero` was read for 512 MB before failing).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSettings, SETTINGS_FILE_MAX_BYTES, SettingsError, type SettingsSchema } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "avs-settings-strict-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMA = {
  envPrefix: "AVS_TEST_",
  file: "settings",
  settings: [
    { name: "secret", kind: "token", help: "bearer secret" },
    { name: "name", kind: "string", help: "a name" },
    { name: "port", kind: "integer", unit: "port", default: "8000", help: "listen port" },
    { name: "output-dir", kind: "string", formerly: ["outputs-dir"], help: "where outputs go" },
  ],
} as const satisfies SettingsSchema;

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

function fails(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseSettings(SCHEMA, argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as Error).message;
  }
  throw new Error("did not throw");
}

const TOKEN_RULE =
  "secret must hold only letters, digits and -._~+/ (then = padding), as RFC 6750 requires of a bearer token; the value given (not shown: it is a secret) holds something else";

describe("settings the parser refuses", () => {
  it("names a bearer token that breaks RFC 6750's rule, never showing its value", () => {
    expect(fails(["--secret", "pass word"])).toBe(TOKEN_RULE);
    expect(fails([], { AVS_TEST_SECRET: "ä" })).toBe(TOKEN_RULE);
    expect(fails(["--settings", file("blank.json", { secret: "  " })])).toBe(TOKEN_RULE);
    expect(parseSettings(SCHEMA, ["--secret", "s3cret-._~+/=="], {}).values.secret).toBe("s3cret-._~+/==");
  });

  it("refuses a number for a bearer token in the file, and keeps numbers for numeric and other text settings", () => {
    expect(fails(["--settings", file("num.json", { secret: 123 })])).toMatch(
      /^secret in the file .*num\.json must be a JSON string, got a number$/,
    );
    expect(parseSettings(SCHEMA, ["--settings", file("num-name.json", { name: 7 })], {}).values.name).toBe("7");
    expect(parseSettings(SCHEMA, ["--settings", file("port.json", { port: 9 })], {}).values.port).toBe(9);
  });

  it("refuses a renamed setting given under both its names in one file, naming both", () => {
    const both = file("both.json", { "outputs-dir": "/a", "output-dir": "/b" });
    expect(fails(["--settings", both])).toBe(
      `the settings file ${both} gives both "output-dir" and its former name "outputs-dir"; keep "output-dir" only`,
    );
    const former = file("former.json", { "outputs-dir": "/a" });
    expect(parseSettings(SCHEMA, ["--settings", former], {}).values["output-dir"]).toBe("/a");
  });

  it("refuses a settings file that is not a small regular file, without reading it all", () => {
    expect(fails(["--settings", "/dev/zero"])).toBe(
      "the settings file /dev/zero is not a regular file; give a JSON file of setting names",
    );
    const big = file("big.json", `{"name": "${"x".repeat(SETTINGS_FILE_MAX_BYTES)}"}`);
    expect(fails(["--settings", big])).toBe(
      `the settings file ${big} is larger than ${SETTINGS_FILE_MAX_BYTES} bytes; a file of every setting is a few KiB`,
    );
    expect(fails(["--settings", dir])).toMatch(/^cannot read the settings file .*: it is a directory$/);
  });
});
