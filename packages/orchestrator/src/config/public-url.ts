/**
 * @module The base of stored media URLs. Without `public-url` it is where the server listens, which is a URL only
 * when that is one address: a wildcard host (`0.0.0.0`, `::`) listens on every interface, and the URL made from it
 * (`http://127.0.0.1:<port>`) reaches this machine alone, so every media URL a remote broadcaster got would fail.
 * The request's `Host` header is not used instead: any client sets it, and the URLs it made would send other
 * callers wherever it said.
 */
import { ConfigError } from "./ai-models.js";

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", "::0", "0:0:0:0:0:0:0:0"]);

/**
 * Refuses a wildcard `host` without a `publicUrl`, saying what to set.
 * @throws {ConfigError} naming both settings.
 * @example checkPublicUrl("0.0.0.0", undefined) // throws: host 0.0.0.0 listens on every interface, …
 */
export function checkPublicUrl(host: string, publicUrl: string | undefined): void {
  if (publicUrl || !WILDCARDS.has(host)) return;
  throw new ConfigError(
    `host ${host} listens on every interface, so no media URL can be made from it (http://127.0.0.1:<port> reaches this machine only); set public-url (--public-url, AVS_ORCHESTRATOR_PUBLIC_URL) to the address broadcasters reach this orchestrator at, e.g. http://orch.example.com:8935`,
  );
}
