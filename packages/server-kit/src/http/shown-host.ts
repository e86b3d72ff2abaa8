/** @module The host part of a URL for an address a server listens or was reached on. */

/**
 * The host part of a URL that reaches a server listening on `host` from this machine (IPv4-mapped IPv6 shown as
 * IPv4, wildcard addresses as 127.0.0.1, other IPv6 in brackets).
 * @example shownHostOf("0.0.0.0") // "127.0.0.1"
 * @example shownHostOf("::1") // "[::1]"
 */
export function shownHostOf(host: string): string {
  const h = host.startsWith("::ffff:") ? host.slice(7) : host;
  if (h === "0.0.0.0" || h === "::" || h === "") return "127.0.0.1";
  return h.includes(":") ? `[${h}]` : h;
}
