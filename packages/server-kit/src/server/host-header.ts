/**
 * @module The `Host` header, as `@hono/node-server` reads it. It builds the request's URL with `new URL` and refuses,
 * with an empty 400, a host that does not parse (`a b`, `a:b`) or that the URL writes differently from the header (it
 * checks the lengths): raw bytes outside ASCII (written in Punycode), userinfo or a path in the header, and also a
 * valid IPv6 literal that is not in the URL's canonical form, such as the IPv4-mapped `[::ffff:127.0.0.1]` (written
 * `[::ffff:7f00:1]`) or `[0:0:0:0:0:0:0:1]`. Such a literal is rewritten to the canonical form before the request
 * reaches the adapter; a request the adapter still cannot build gets a 400 in the `{"detail":{"msg"}}` shape every
 * other answer has, which says what is wrong with its `Host` (or its request target) and what is allowed.
 */
import type http from "node:http";
import { RequestError } from "@hono/node-server";
import { errorBody } from "../http/errors.js";
import { headerText } from "../http/header-text.js";

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

/** A header value quoted for a message, as its client wrote it (UTF-8 read as such), cut at 100 characters. */
const quoted = (value: string) => {
  const text = headerText(value);
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
};

/**
 * What is wrong with a `Host` header the adapter cannot build a URL from, and what is allowed.
 * @example invalidHostMessage("a b")
 * // 'the Host header is not valid: it must be a host name or an IPv4 address (ASCII letters, digits, ".", "-" and
 * // underscores) or a bracketed IPv6 address, then an optional :port up to 65535 (e.g. example.com:8000), got "a b"'
 */
export function invalidHostMessage(host: string): string {
  const rule = host.startsWith("[")
    ? "a bracketed host must be an IPv6 address, then an optional :port (e.g. [::1]:8000)"
    : "it must be a host name or an IPv4 address (ASCII letters, digits, dots, hyphens and underscores) or a bracketed IPv6 " +
      "address, then an optional :port up to 65535 (e.g. example.com:8000)";
  return `the Host header is not valid: ${rule}, got ${quoted(host)}`;
}

/** The request whose URL the adapter is building now (see {@link refusedRequest}). */
let building: http.IncomingMessage | undefined;

/**
 * Wraps the adapter's request listener: an IPv6 literal `Host` reaches it in canonical form, and the request is
 * known to {@link refusedRequest} while the adapter builds its URL.
 * @example http.createServer(options, canonicalIpv6Hosts(getRequestListener(fetch, { errorHandler: refusedRequest })))
 */
export function canonicalIpv6Hosts(listener: http.RequestListener): http.RequestListener {
  return (req, res) => {
    const host = req.headers.host;
    if (host?.startsWith("[")) {
      const canonical = canonicalHost(host);
      if (canonical !== undefined) req.headers.host = canonical;
    }
    // The adapter builds the URL, and calls its error handler when it cannot, before its listener first awaits.
    building = req;
    try {
      listener(req, res);
    } finally {
      building = undefined;
    }
  };
}

/**
 * The adapter's error handler (`getRequestListener`'s `errorHandler`): a request it could not build (a `RequestError`)
 * gets 400 with what was wrong, in the `{"detail":{"msg"}}` shape, rather than its empty 400; any other error (the
 * app threw before returning a promise) is a 500 `internal server error` in that shape.
 * @example getRequestListener(app.fetch, { errorHandler: refusedRequest })
 */
export function refusedRequest(err: unknown): Response {
  if (!(err instanceof RequestError)) return json(500, "internal server error");
  const host = building?.headers.host;
  const target = building?.url ?? "";
  // Only a host makes `new URL` throw for a path (a target that starts with "/"): the URL's parser escapes any path.
  const hostAtFault =
    host !== undefined &&
    (/host header/i.test(err.message) || (target.startsWith("/") && !URL.canParse(`http://${host}/`)));
  if (hostAtFault) return json(400, invalidHostMessage(host));
  return json(
    400,
    `the request target is not valid (${err.message}): it must be a path that starts with / (with no backslash ` +
      `before its query), or an absolute http:// URL, got ${quoted(target)}`,
  );
}

const json = (status: number, msg: string) =>
  new Response(JSON.stringify(errorBody(msg)), { status, headers: { "content-type": "application/json" } });
