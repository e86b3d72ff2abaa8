/**
 * @module The settings every HTTP binary shares for its connection limits and its `/metrics` protection, so that
 * the broadcaster and the orchestrator spell them, document them and default them the same way.
 */
import { CONNECTION_DEFAULTS, type ConnectionLimits } from "./connection-limits.js";

/** The settings, to spread into a binary's settings list. */
export const CONNECTION_SETTINGS = [
  {
    name: "max-connections",
    kind: "integer",
    unit: "count",
    min: 16,
    help: "open connections at most, all clients together (lowered to keep a quarter of ulimit -n free for outputs and upstream calls)",
    shownDefault: String(CONNECTION_DEFAULTS.maxConnections),
  },
  {
    name: "max-connections-per-client",
    kind: "integer",
    unit: "count",
    min: 1,
    help: "open connections at most from one client address (raise it when all clients come through one proxy)",
    shownDefault: String(CONNECTION_DEFAULTS.maxConnectionsPerClient),
  },
  {
    name: "headers-timeout",
    kind: "number",
    unit: "s",
    min: 1,
    help: "seconds a client has to send a request's headers (slow clients are cut; at most receive-timeout)",
    shownDefault: String(CONNECTION_DEFAULTS.headersTimeoutMs / 1000),
  },
  {
    name: "receive-timeout",
    kind: "number",
    unit: "s",
    min: 1,
    help: "seconds a client has to send a whole request, uploads included",
    shownDefault: String(CONNECTION_DEFAULTS.receiveTimeoutMs / 1000),
  },
  {
    name: "body-idle-timeout",
    kind: "number",
    unit: "s",
    min: 0,
    help: "seconds a request's body may go without a byte once started (408; 0 = off, as is a value not under receive-timeout)",
    shownDefault: String(CONNECTION_DEFAULTS.bodyIdleTimeoutMs / 1000),
  },
  {
    name: "keep-alive-timeout",
    kind: "number",
    unit: "s",
    // Node reads 0 as "no keep-alive timeout": an idle connection would stay open for good.
    min: 0.1,
    help: "seconds an idle keep-alive connection stays open",
    shownDefault: String(CONNECTION_DEFAULTS.keepAliveTimeoutMs / 1000),
  },
  {
    name: "metrics-token",
    kind: "token",
    help: "bearer token that /metrics requires; without one, /metrics answers loopback clients only",
  },
] as const;

/** The values of {@link CONNECTION_SETTINGS} as parsed. */
export interface ConnectionSettingValues {
  "max-connections"?: number;
  "max-connections-per-client"?: number;
  "headers-timeout"?: number;
  "receive-timeout"?: number;
  "body-idle-timeout"?: number;
  "keep-alive-timeout"?: number;
}

/**
 * The parsed settings as {@link ConnectionLimits} (seconds → ms); unset settings stay unset (defaults apply in listen).
 * @example connectionLimitsOf({ "headers-timeout": 5 }) // { headersTimeoutMs: 5000 }
 */
export function connectionLimitsOf(v: ConnectionSettingValues): ConnectionLimits {
  const ms = (s: number | undefined) => (s === undefined ? undefined : Math.round(s * 1000));
  const limits: ConnectionLimits = {
    maxConnections: v["max-connections"],
    maxConnectionsPerClient: v["max-connections-per-client"],
    headersTimeoutMs: ms(v["headers-timeout"]),
    receiveTimeoutMs: ms(v["receive-timeout"]),
    bodyIdleTimeoutMs: ms(v["body-idle-timeout"]),
    keepAliveTimeoutMs: ms(v["keep-alive-timeout"]),
  };
  return Object.fromEntries(Object.entries(limits).filter(([, x]) => x !== undefined)) as ConnectionLimits;
}
