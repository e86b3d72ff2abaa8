/**
 * @module The `Host` header of an IPv6 literal, in the form `@hono/node-server` accepts. It builds the request's URL
 * with `new URL` and refuses, with an empty 400, any host the URL writes differently from the header (it checks the
 * lengths): a valid literal that is not in the URL's canonical form, such as the IPv4-mapped `[::ffff:127.0.0.1]`
 * (written `[::ffff:7f00:1]`) or `[0:0:0:0:0:0:0:1]`, was refused. Such a header is rewritten to the canonical form
 * before the request reaches it; a bracketed host that is no IPv6 address gets a 400 in the `{"detail":{"msg"}}`
 * shape every other answer has.
 */
import type http from "node:http";

/** A bracketed host (RFC 3986 IP-literal) and an optional port. */
const IP_LITERAL = /^(\[[^\]]*\])(:\d*)?$/;

/**
 * The canonical form of a `Host` header that is an IPv6 literal (port kept as sent); the header itself when it is
 * not bracketed; undefined when it is bracketed but not a valid IPv6 address and port.
 * @example canonicalHost("[::ffff:127.0.0.1]:8000") // "[::ffff:7f00:1]:8000"
 * @example canonicalHost("example.com:80") // "example.com:80"
 * @example canonicalHost("[::1]:") // "[::1]"
 * @example canonicalHost("[::g]") // undefined
 */
export function canonicalHost(host: string): string | undefined {
  if (!host.startsWith("[")) return host;
  const literal = IP_LITERAL.exec(host);
  if (!literal) return undefined;
  try {
    // An empty port (`[::1]:`) is valid (RFC 3986) and means the default one, but the adapter refuses it: left out.
    const port = literal[2] === ":" ? "" : (literal[2] ?? "");
    return new URL(`http://${host}/`).hostname + port;
  } catch {
    return undefined;
  }
}

/**
 * Wraps a request listener: an IPv6 literal `Host` reaches it in canonical form, an invalid bracketed one is answered
 * 400 `{"detail":{"msg":"the Host header is not valid: …"}}` without calling it.
 * @example http.createServer(options, canonicalIpv6Hosts(listener))
 */
export function canonicalIpv6Hosts(listener: http.RequestListener): http.RequestListener {
  return (req, res) => {
    const host = req.headers.host;
    if (host?.startsWith("[")) {
      const canonical = canonicalHost(host);
      if (canonical === undefined) {
        const shown = JSON.stringify(host.length > 100 ? `${host.slice(0, 100)}…` : host);
        const msg = `the Host header is not valid: a bracketed host must be an IPv6 address, then an optional :port (e.g. [::1]:8000), got ${shown}`;
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ detail: { msg } }));
        return;
      }
      req.headers.host = canonical;
    }
    listener(req, res);
  };
}
