/**
 * @module Who is asking and where the answer's URLs should point, without trusting what a client writes in its
 * headers: the peer address comes from the socket, `X-Forwarded-Host`/`-Proto` count only from a configured trusted
 * proxy, and without a public URL the base of result URLs is the address the request arrived at, never its `Host`.
 */
import type { Socket } from "node:net";
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "./bearer-auth.js";
import { HttpError } from "./errors.js";
import { shownHostOf } from "./shown-host.js";

/** The socket under `@hono/node-server`; undefined for an in-process `app.request()`. */
function socketOf(c: Context): Socket | undefined {
  return (c.env as { incoming?: { socket?: Socket } } | undefined)?.incoming?.socket;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`. */
function plain(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/**
 * The peer address of the request's connection, or undefined in-process.
 * @example clientAddress(c) // "127.0.0.1"
 */
export function clientAddress(c: Context): string | undefined {
  const a = socketOf(c)?.remoteAddress;
  return a === undefined ? undefined : plain(a);
}

/**
 * True for 127.0.0.0/8 and ::1.
 * @example isLoopback("127.0.0.2") // true
 */
export function isLoopback(address: string): boolean {
  const a = plain(address);
  return a === "::1" || /^127\.\d+\.\d+\.\d+$/.test(a);
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** How a server builds the base of URLs it hands out. */
export interface PublicOriginOptions {
  /** The configured public URL: when set, always used. */
  publicUrl?: string;
  /** Proxy addresses whose `X-Forwarded-Host`/`X-Forwarded-Proto` are believed (exact addresses, `*` = any). */
  trustProxy?: string[];
}

/**
 * The base (scheme://host[:port], no trailing slash) for URLs in answers: the public URL; else, from a trusted
 * proxy, its `X-Forwarded-Host`/`-Proto`; else the local address and port the connection arrived at. The request's
 * `Host` header is never used (in-process requests, which have no socket, keep their own URL's origin).
 * @example publicOrigin(c, { publicUrl: "https://gw.example/" }) // "https://gw.example"
 */
export function publicOrigin(c: Context, options: PublicOriginOptions = {}): string {
  if (options.publicUrl) return options.publicUrl.replace(/\/+$/, "");
  const socket = socketOf(c);
  if (!socket) return new URL(c.req.url).origin;
  const peer = plain(socket.remoteAddress ?? "");
  const trusted = options.trustProxy?.some((p) => p === "*" || plain(p) === peer) ?? false;
  const forwardedHost = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
  if (trusted && forwardedHost && HOST.test(forwardedHost)) {
    const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
    return `${proto === "https" ? "https" : "http"}://${forwardedHost}`;
  }
  const scheme = (socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  return `${scheme}://${shownHostOf(socket.localAddress ?? "127.0.0.1")}:${socket.localPort}`;
}

/**
 * Guards `/metrics` (which names upstream addresses): with a token, `Authorization: Bearer <token>` is required
 * (401 otherwise); without one, only loopback clients are served (403 otherwise). In-process requests pass.
 * @example route("metrics", handler, metricsGuard(options.metricsToken))
 */
export function metricsGuard(token: string | undefined): MiddlewareHandler {
  if (token) return bearerAuth({ token });
  return async (c, next) => {
    const peer = clientAddress(c);
    if (peer !== undefined && !isLoopback(peer)) {
      throw new HttpError(403, "metrics are served to loopback clients only; set metrics-token to read them remotely");
    }
    await next();
  };
}
