/**
 * @module The one settings parser of every binary. Each setting has one name, used as is in messages and as the key
 * of the JSON settings file, and derived from it: the flag (`--models-dir`, `--model-id` for `MODEL_ID`) and the
 * environment variable (the binary's prefix + the name in upper snake case: `AVS_ORCHESTRATOR_MODELS_DIR`,
 * `MODEL_ID`). Precedence: flag > environment > settings file > default. An empty environment variable counts as
 * not given; an empty flag value is refused. Every number has an upper bound (its `unit`'s, else the largest safe
 * integer), so that no value passes here and breaks the program later.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { TOKEN as BEARER_TOKEN } from "../http/bearer-auth.js";

/**
 * How a setting's text is read; a `token` is a bearer token (a secret: its value is never shown in an error), of
 * RFC 6750's token characters.
 */
export type SettingKind = "string" | "number" | "integer" | "choice" | "list" | "url" | "token";

/** The largest settings file read: a file of every setting is a few KiB; `/dev/zero` or a log file is refused. */
export const SETTINGS_FILE_MAX_BYTES = 1024 * 1024;

/**
 * What a `number`/`integer` measures, which bounds it when the setting gives no `max`: `port` is a whole number
 * 0–65535; `ms` and `s` are durations that must fit a Node timer (at most 2^31−1 ms, Node turns a longer one into
 * 1 ms); `bytes` and `count` are whole numbers.
 */
export type SettingUnit = "port" | "ms" | "s" | "bytes" | "count";

/** The longest delay `setTimeout` honours, in ms (2^31−1); Node fires a longer one after 1 ms. */
export const TIMER_MAX_MS = 2 ** 31 - 1;

const UNIT_MAX: Record<SettingUnit, number> = {
  port: 65535,
  ms: TIMER_MAX_MS,
  s: Math.floor(TIMER_MAX_MS / 1000),
  bytes: Number.MAX_SAFE_INTEGER,
  count: Number.MAX_SAFE_INTEGER,
};

/** One setting of a binary. */
export interface Setting {
  /** The one name: `models-dir` (flag `--models-dir`) or, for Livepeer's env-first names, `MODEL_ID`. */
  readonly name: string;
  readonly kind: SettingKind;
  /** One line for `--help`. */
  readonly help: string;
  /** Applied when no source gives the setting, and shown in `--help`. */
  readonly default?: string;
  /** Shown in `--help` only, for a default that is applied elsewhere (or described, like "the request's origin"). */
  readonly shownDefault?: string;
  /** `choice`: the allowed values (matched without regard to case). */
  readonly choices?: readonly string[];
  /** `number`/`integer`: the smallest value (default 0). */
  readonly min?: number;
  /** `number`/`integer`: the largest value (default: the unit's, else `Number.MAX_SAFE_INTEGER`). */
  readonly max?: number;
  /** `number`/`integer`: what it measures; `port`, `bytes` and `count` must be whole numbers. */
  readonly unit?: SettingUnit;
  /** Former names, still read from flags, the environment and the settings file (not shown in `--help`). */
  readonly formerly?: readonly string[];
}

/** The settings of one binary. */
export interface SettingsSchema {
  readonly settings: readonly Setting[];
  /** Prefix of the environment variables, e.g. `AVS_ORCHESTRATOR_` (`""` for the runner's Livepeer names). */
  readonly envPrefix: string;
  /** The name of the setting that names the JSON settings file (`config` or `settings`); flag and env as above. */
  readonly file: string;
  /** A setting that may also be given as the one positional argument (e.g. `avs-bench <url>`). */
  readonly positional?: string;
}

/** A bad flag, environment variable or settings file; the message names the setting and what is allowed. */
export class SettingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SettingsError";
  }
}

type ValueOf<S extends Setting> = S["kind"] extends "number" | "integer"
  ? number
  : S["kind"] extends "list"
    ? unknown[]
    : string;

/** The parsed values of a schema, by setting name; settings without a default may be undefined. */
export type SettingValues<T extends SettingsSchema> = {
  [S in T["settings"][number] as S["name"]]: ValueOf<S> | (S extends { default: string } ? never : undefined);
};

/**
 * The flag of a setting.
 * @example flagName("MODEL_ID") // "--model-id"
 */
export function flagName(name: string): string {
  return `--${name.toLowerCase().replaceAll("_", "-")}`;
}

/**
 * The environment variable of a setting.
 * @example envName("AVS_ORCHESTRATOR_", "models-dir") // "AVS_ORCHESTRATOR_MODELS_DIR"
 */
export function envName(prefix: string, name: string): string {
  return `${prefix}${name.toUpperCase().replaceAll("-", "_")}`;
}

/**
 * Reads flags, the environment and the settings file. `help` is true when `--help` or `-h` was given (nothing
 * else is checked then). Throws {@link SettingsError}.
 * @example
 * const { values } = parseSettings(SCHEMA, ["--port", "0"], process.env);
 * values.port // 0
 */
export function parseSettings<T extends SettingsSchema>(
  schema: T,
  argv: readonly string[],
  env: Record<string, string | undefined>,
): { help: boolean; values: SettingValues<T> } {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true, values: {} as SettingValues<T> };
  const formerly = new Map(schema.settings.flatMap((s) => (s.formerly ?? []).map((old) => [old, s.name] as const)));
  const flags = readFlags(
    argv,
    [...schema.settings.map((s) => s.name), schema.file, ...formerly.keys()],
    schema.positional,
  );
  // An empty flag value would silently mean the default (`--port=`): a mistake, unlike an empty env var.
  for (const [name, values] of flags) {
    if (values.includes("")) throw new SettingsError(`${flagName(name)} needs a value`);
  }
  for (const [old, name] of formerly) {
    const given = flags.get(old);
    if (given) flags.set(name, [...given, ...(flags.get(name) ?? [])]);
  }
  const fromEnv = (name: string) =>
    given(env[envName(schema.envPrefix, name)]) ??
    schema.settings
      .find((s) => s.name === name)
      ?.formerly?.map((old) => given(env[envName(schema.envPrefix, old)]))
      .find((v) => v !== undefined);
  const fileName = flags.get(schema.file)?.at(-1) ?? fromEnv(schema.file);
  const file = fileName ? readSettingsFile(schema, fileName) : new Map<string, unknown>();
  const values: Record<string, unknown> = {};
  for (const s of schema.settings) {
    if (s.name === schema.file) continue;
    const flag = flags.get(s.name);
    const envText = fromEnv(s.name);
    let raw: unknown;
    if (s.kind === "list") {
      raw =
        flag ??
        envText
          ?.split(",")
          .map((x) => x.trim())
          .filter(Boolean) ??
        listFromFile(file.get(s.name));
    } else {
      raw = flag?.at(-1) ?? envText ?? scalarFromFile(s, file.get(s.name), fileName ?? "") ?? s.default;
    }
    values[s.name] = raw === undefined ? undefined : parseValue(s, raw);
  }
  return { help: false, values: values as SettingValues<T> };
}

function given(text: string | undefined): string | undefined {
  return text === undefined || text === "" ? undefined : text;
}

/**
 * Reads `--name value` and `--name=value` flags of the settings `names` (repeats kept in order, empty values
 * too: {@link parseSettings} refuses them, a tool's own flags may give them a meaning); a non-flag argument is the `positional` setting, once. Throws {@link SettingsError} for anything else.
 * @example readFlags(["--model-dir", "/m", "--port=0"], ["MODEL_DIR", "PORT"]) // Map { MODEL_DIR → ["/m"], PORT → ["0"] }
 */
export function readFlags(
  argv: readonly string[],
  names: readonly string[],
  positional?: string,
): Map<string, string[]> {
  const byFlag = new Map(names.map((name) => [flagName(name), name]));
  const out = new Map<string, string[]>();
  const add = (name: string, value: string) => out.set(name, [...(out.get(name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      if (positional && !out.has(positional)) add(positional, arg);
      else throw new SettingsError(`unexpected argument ${JSON.stringify(arg)} (see --help)`);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const name = byFlag.get(flag);
    if (!name) throw new SettingsError(`unknown flag ${flag} (see --help)`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new SettingsError(`${flag} needs a value`);
    add(name, value);
  }
  return out;
}

function readSettingsFile(schema: SettingsSchema, path: string): Map<string, unknown> {
  let value: unknown;
  let text: string;
  try {
    // Read at start-up only, before anything listens: a synchronous read keeps the parser synchronous.
    text = readBounded(path, SETTINGS_FILE_MAX_BYTES);
  } catch (err) {
    if (err instanceof SettingsError) throw err;
    throw new SettingsError(`cannot read the ${schema.file} file ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`cannot read the ${schema.file} file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new SettingsError(`the ${schema.file} file ${path} must hold a JSON object of setting names`);
  }
  const canonical = new Map(
    schema.settings.flatMap((s) => [
      [s.name, s.name] as const,
      ...(s.formerly ?? []).map((old) => [old, s.name] as const),
    ]),
  );
  const out = new Map<string, unknown>();
  const keyOf = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const name = canonical.get(key);
    if (!name || key === schema.file) {
      throw new SettingsError(`the ${schema.file} file ${path} has an unknown setting "${key}" (see --help)`);
    }
    const earlier = keyOf.get(name);
    if (earlier !== undefined) {
      // A renamed setting under both names: which one the operator meant cannot be told.
      const former = earlier === name ? key : earlier;
      throw new SettingsError(
        `the ${schema.file} file ${path} gives both "${name}" and its former name "${former}"; keep "${name}" only`,
      );
    }
    keyOf.set(name, key);
    out.set(name, v);
  }
  return out;
}

/**
 * The text of a regular file (or a pipe) of at most `max` bytes; a device, a directory or a larger file is refused
 * without reading more than `max` + 1 bytes of it.
 */
function readBounded(path: string, max: number): string {
  const fd = openSync(path, "r");
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error("it is a directory"), { code: "EISDIR" });
    if (!stat.isFile() && !stat.isFIFO()) {
      throw new SettingsError(`the settings file ${path} is not a regular file; give a JSON file of setting names`);
    }
    const tooLarge = () =>
      new SettingsError(`the settings file ${path} is larger than ${max} bytes; a file of every setting is a few KiB`);
    if (stat.size > max) throw tooLarge();
    const buf = Buffer.alloc(max + 1);
    let length = 0;
    for (let n = 1; n > 0 && length <= max; length += n) n = readSync(fd, buf, length, max + 1 - length, null);
    if (length > max) throw tooLarge();
    return buf.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file value of a one-value setting: a string or a number (a string of a number is read as a flag's text is, so
 * `"8935"` stays a valid port); an array only for a `string` setting, of strings or numbers, joined with commas
 * (`"gpus": ["0", "1"]`). Anything else (an array or object for one value, a boolean) is refused.
 */
function scalarFromFile(s: Setting, value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const scalar = (x: unknown) => typeof x === "string" || typeof x === "number";
  const numeric = s.kind === "number" || s.kind === "integer";
  // A number for a bearer token (`"secret": 123`) is refused: JSON would write a long one rounded, or as 1e+21. Other
  // text settings take one as its digits (`"gpus": 0`; avs-bench reads its numbers as text, strictly, itself).
  if (typeof value === "number" && s.kind === "token") {
    throw new SettingsError(`${s.name} in the file ${path} must be a JSON string, got a number`);
  }
  if (scalar(value)) return given(String(value));
  if (s.kind === "string" && Array.isArray(value) && value.every(scalar)) return given(value.join(","));
  const want = numeric ? "a JSON number (or a string of one)" : "a JSON string";
  throw new SettingsError(`${s.name} in the file ${path} must be ${want}, got ${JSON.stringify(value)}`);
}

function listFromFile(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value : [value];
}

/** A whole number in decimal digits (`-` allowed: the bounds decide). */
const DECIMAL_INTEGER = /^-?\d+$/;
/** A decimal number, with a fraction or an exponent (`0.5`, `1.5e-3`, as a JSON number from a file may be written). */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function parseValue(s: Setting, raw: unknown): unknown {
  if (s.kind === "list") return raw;
  const text = String(raw);
  switch (s.kind) {
    case "number":
    case "integer": {
      const trimmed = text.trim();
      const n = Number(trimmed);
      const [min, max] = boundsOf(s);
      const whole = s.kind === "integer" || (s.unit !== undefined && s.unit !== "ms" && s.unit !== "s");
      // Written in decimal: `Number` also reads `0x4e21`, `+8`, `0b1` and `1e4`, which nobody means for a port.
      const syntax = s.kind === "integer" ? DECIMAL_INTEGER : DECIMAL;
      if (syntax.test(trimmed) && Number.isFinite(n) && (!whole || Number.isInteger(n)) && n >= min && n <= max) {
        return n;
      }
      const what = whole ? "a whole number" : "a number";
      const unit = s.unit === "ms" || s.unit === "s" ? ` ${s.unit}` : "";
      throw new SettingsError(`${s.name} must be ${what} from ${min} to ${max}${unit}, got ${JSON.stringify(text)}`);
    }
    case "url": {
      if (/^https?:\/\/[^/]/i.test(text) && URL.canParse(text)) return text;
      throw new SettingsError(`${s.name} must be an absolute http(s) URL, got ${JSON.stringify(text)}`);
    }
    case "token": {
      if (BEARER_TOKEN.test(text)) return text;
      // Never the value: it is a secret, and this line goes to the logs.
      throw new SettingsError(
        `${s.name} must hold only letters, digits and -._~+/ (then = padding), as RFC 6750 requires of a bearer token; the value given (not shown: it is a secret) holds something else`,
      );
    }
    case "choice": {
      const v = text.trim().toLowerCase();
      const choices = s.choices ?? [];
      if (choices.includes(v)) return v;
      throw new SettingsError(`${s.name} must be ${orList(choices)}, got ${JSON.stringify(text)}`);
    }
    default:
      return text;
  }
}

/**
 * The smallest and largest value of a `number`/`integer` setting: `min` (default 0), `max` (default the unit's
 * bound, else `Number.MAX_SAFE_INTEGER`).
 * @example boundsOf({ name: "port", kind: "integer", unit: "port", help: "" }) // [0, 65535]
 */
export function boundsOf(s: Setting): [number, number] {
  return [s.min ?? 0, s.max ?? (s.unit ? UNIT_MAX[s.unit] : Number.MAX_SAFE_INTEGER)];
}

/**
 * `a, b or c`.
 * @example orList(["cpu", "cuda", "webgpu"]) // "cpu, cuda or webgpu"
 */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
