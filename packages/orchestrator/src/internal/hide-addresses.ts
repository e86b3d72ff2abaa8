/**
 * @module Runner addresses out of messages a client reads: a failed runner's reason (`runner at
 * http://127.0.0.1:41873 reports ERROR…`, `connect ECONNREFUSED 127.0.0.1:41873`) names where the operator's runners
 * listen, which is no business of a broadcaster or its users. The orchestrator's log keeps the whole message.
 */

/** `runner at <url>`, as the runner client's readiness errors name a runner. */
const RUNNER_AT = /\brunner at [a-z][a-z0-9+.-]*:\/\/\S+?(?=[,;:)]?(?:\s|$))/gi;
/** Any URL with a scheme. */
const URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>(),;]+/gi;
/** IPv4 with or without a port, IPv6 in brackets with or without a port, `localhost:port`. */
const ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b|\[[0-9a-f:.%]+\](?::\d{1,5})?|\blocalhost:\d{1,5}\b/gi;

/**
 * `message` with runner addresses taken out: `runner at <url>` becomes `the runner`, any other URL or address
 * `<address>`.
 * @example hideAddresses("runner at http://127.0.0.1:41873 reports ERROR") // "the runner reports ERROR"
 */
export function hideAddresses(message: string): string {
  return message.replace(RUNNER_AT, "the runner").replace(URL, "<address>").replace(ADDRESS, "<address>");
}
