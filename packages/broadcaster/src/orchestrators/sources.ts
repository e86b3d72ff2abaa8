/**
 * @module Where orchestrator addresses come from besides the static list: a JSON file re-read when it changes,
 * and a discovery URL answering `[{"address": "..."}]` (the shape of Livepeer's orchestrator webhook).
 */
import { readFile, stat } from "node:fs/promises";
import { BEARER_TOKEN_RULE, isBearerToken } from "@ai-video-subnet/server-kit";
import { boundedText } from "../jobs/upstream.js";
import type { OrchestratorEndpoint } from "../options.js";

/** The most of an orchestrator's `/info` or a discovery list read (thousands of capabilities or addresses). */
export const ANSWER_BYTES = 1024 * 1024;

/** One entry of an orchestrators file or discovery answer. */
interface AddressEntry {
  address: string;
  secret?: string;
}

/**
 * An orchestrator entry of the operator's (the `orchestrator` setting, the orchestrators file) that can never work:
 * refused at start, where the CLI exits 2 as for any bad setting.
 */
export class BadOrchestratorEntry extends Error {}

/**
 * An orchestrator address with a user name or password in it (`http://op:pw@host`): fetch refuses such a URL, so it
 * could never be polled, and the password would be shown wherever the address is (logs, status). Its message shows
 * the address {@link redacted}.
 */
export class CredentialsInAddress extends BadOrchestratorEntry {
  constructor(source: string, url: string) {
    super(
      `${source}: orchestrator address ${redacted(url)} holds a user name or password, which is never sent; ` +
        'give the orchestrator\'s secret as "secret" (or orchestrator-secret) instead',
    );
    this.name = "CredentialsInAddress";
  }
}

/**
 * An orchestrator's secret that no `Authorization: Bearer` header can carry (`top secret`, `sécret`): every job sent
 * with it would be refused (401). Its message never shows the secret.
 */
export class UnsendableSecret extends BadOrchestratorEntry {
  constructor(source: string) {
    super(
      `${source}: the secret must hold ${BEARER_TOKEN_RULE} of a bearer token; the value given (not shown: it is a ` +
        "secret) holds something else",
    );
    this.name = "UnsendableSecret";
  }
}

/**
 * The entry of `url` with `secret`, which must be a bearer token ({@link UnsendableSecret} naming `source`).
 * @example endpoint("http://127.0.0.1:8935", "s3cret", "orchestrators-file o.json: entry 0")
 */
export function endpoint(url: string, secret: unknown, source: string): OrchestratorEndpoint {
  if (secret === undefined) return { url };
  const text = String(secret);
  if (!isBearerToken(text)) throw new UnsendableSecret(source);
  return { url, secret: text };
}

/**
 * Whether `url` holds a user name or password.
 * @example hasCredentials("http://op:pw@10.0.0.5:8935") // true
 */
export function hasCredentials(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  return u.username !== "" || u.password !== "";
}

/**
 * `url` with its user name and password replaced by `***`, for messages and logs.
 * @example redacted("http://op:pw@10.0.0.5:8935/") // "http://***@10.0.0.5:8935/"
 */
export function redacted(url: string): string {
  if (!URL.canParse(url)) return "(not a URL)";
  const u = new URL(url);
  return `${u.protocol}//${u.username || u.password ? "***@" : ""}${u.host}${u.pathname}`;
}

/**
 * Parses `[{"address": "...", "secret"?: "..."}]`, naming the source in errors. An address with a user name or
 * password ({@link CredentialsInAddress}) or a secret that is no bearer token ({@link UnsendableSecret}) is refused,
 * or, with `drop`, left out and reported to it (the address redacted): a discovery list, a third party's, is not
 * refused whole for one such entry.
 * @example parseAddressList('[{"address":"http://127.0.0.1:8935"}]', "orchestrators.json")
 */
export function parseAddressList(
  text: string,
  source: string,
  drop?: (address: string, why: "credentials" | "secret") => void,
): OrchestratorEndpoint[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(value)) throw new Error(`${source}: must be a JSON array of {"address": "..."}`);
  const list: OrchestratorEndpoint[] = [];
  value.forEach((entry, i) => {
    const e = entry as Partial<AddressEntry> | null;
    if (!e || typeof e.address !== "string" || !/^https?:\/\//.test(e.address)) {
      const shown =
        e && typeof e.address === "string" && hasCredentials(e.address) ? { address: redacted(e.address) } : entry;
      throw new Error(`${source}: entry ${i} must be {"address": "http(s)://..."}, got ${JSON.stringify(shown)}`);
    }
    if (hasCredentials(e.address)) {
      if (!drop) throw new CredentialsInAddress(`${source}: entry ${i}`, e.address);
      drop(redacted(e.address), "credentials");
      return;
    }
    try {
      list.push(endpoint(e.address, e.secret, `${source}: entry ${i} (${e.address})`));
    } catch (err) {
      if (!drop || !(err instanceof UnsendableSecret)) throw err;
      drop(e.address, "secret");
    }
  });
  return list;
}

/**
 * An orchestrators file that is parsed again only when its modification time or size changed.
 * A file that fails to parse keeps the last good list (and the error is reported).
 * @example const f = new OrchestratorsFile("orchestrators.json"); const list = await f.read();
 */
export class OrchestratorsFile {
  readonly path: string;
  #stamp = "";
  #list: OrchestratorEndpoint[] = [];

  constructor(path: string) {
    this.path = path;
  }

  /** The last list that was read successfully. */
  get last(): OrchestratorEndpoint[] {
    return this.#list;
  }

  /** The current list; throws with the reason when the file is missing or malformed. */
  async read(): Promise<OrchestratorEndpoint[]> {
    const s = await stat(this.path);
    const stamp = `${s.mtimeMs}:${s.size}`;
    if (stamp !== this.#stamp) {
      this.#list = parseAddressList(await readFile(this.path, "utf8"), `orchestrators-file ${this.path}`);
      this.#stamp = stamp;
    }
    return this.#list;
  }
}

/**
 * Reads a discovery URL.
 * `drop`: told of each address left out for a user name or password or for its secret (see {@link parseAddressList}).
 * @example await discover("http://registry.local/orchestrators", AbortSignal.timeout(5000))
 */
export async function discover(
  url: string,
  signal: AbortSignal,
  drop?: (address: string, why: "credentials" | "secret") => void,
): Promise<OrchestratorEndpoint[]> {
  const res = await fetch(url, { signal, headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`discovery ${url}: HTTP ${res.status}`);
  return parseAddressList(await boundedText(res, ANSWER_BYTES), `discovery ${url}`, drop);
}
