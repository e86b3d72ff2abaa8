/**
 * @module Where orchestrator addresses come from besides the static list: a JSON file re-read when it changes,
 * and a discovery URL answering `[{"address": "..."}]` (the shape of Livepeer's orchestrator webhook).
 */
import { readFile, stat } from "node:fs/promises";
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
 * An orchestrator address with a user name or password in it (`http://op:pw@host`): fetch refuses such a URL, so it
 * could never be polled, and the password would be shown wherever the address is (logs, status). Its message shows
 * the address {@link redacted}.
 */
export class CredentialsInAddress extends Error {
  constructor(source: string, url: string) {
    super(
      `${source}: orchestrator address ${redacted(url)} holds a user name or password, which is never sent; ` +
        'give the orchestrator\'s secret as "secret" (or orchestrator-secret) instead',
    );
    this.name = "CredentialsInAddress";
  }
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
 * password is refused ({@link CredentialsInAddress}), or, with `dropCredentials`, left out and reported to it
 * redacted (a discovery list, a third party's, is not refused whole for one such entry).
 * @example parseAddressList('[{"address":"http://127.0.0.1:8935"}]', "orchestrators.json")
 */
export function parseAddressList(
  text: string,
  source: string,
  dropCredentials?: (address: string) => void,
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
      if (!dropCredentials) throw new CredentialsInAddress(`${source}: entry ${i}`, e.address);
      dropCredentials(redacted(e.address));
      return;
    }
    list.push(e.secret === undefined ? { url: e.address } : { url: e.address, secret: String(e.secret) });
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
 * `dropCredentials`: told of each address left out for a user name or password (see {@link parseAddressList}).
 * @example await discover("http://registry.local/orchestrators", AbortSignal.timeout(5000))
 */
export async function discover(
  url: string,
  signal: AbortSignal,
  dropCredentials?: (address: string) => void,
): Promise<OrchestratorEndpoint[]> {
  const res = await fetch(url, { signal, headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`discovery ${url}: HTTP ${res.status}`);
  return parseAddressList(await boundedText(res, ANSWER_BYTES), `discovery ${url}`, dropCredentials);
}
