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
 * Parses `[{"address": "...", "secret"?: "..."}]`, naming the source in errors.
 * @example parseAddressList('[{"address":"http://127.0.0.1:8935"}]', "orchestrators.json")
 */
export function parseAddressList(text: string, source: string): OrchestratorEndpoint[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(value)) throw new Error(`${source}: must be a JSON array of {"address": "..."}`);
  return value.map((entry, i) => {
    const e = entry as Partial<AddressEntry> | null;
    if (!e || typeof e.address !== "string" || !/^https?:\/\//.test(e.address)) {
      throw new Error(`${source}: entry ${i} must be {"address": "http(s)://..."}, got ${JSON.stringify(entry)}`);
    }
    return e.secret === undefined ? { url: e.address } : { url: e.address, secret: String(e.secret) };
  });
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
      this.#list = parseAddressList(await readFile(this.path, "utf8"), this.path);
      this.#stamp = stamp;
    }
    return this.#list;
  }
}

/**
 * Reads a discovery URL.
 * @example await discover("http://registry.local/orchestrators", AbortSignal.timeout(5000))
 */
export async function discover(url: string, signal: AbortSignal): Promise<OrchestratorEndpoint[]> {
  const res = await fetch(url, { signal, headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`discovery ${url}: HTTP ${res.status}`);
  return parseAddressList(await boundedText(res, ANSWER_BYTES), `discovery ${url}`);
}
