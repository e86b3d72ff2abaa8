/**
 * @module The values of list settings that need more than the settings parser's types: `body-limit` (a job route and
 * a whole number of bytes ≥ 1) and `api-key` (no whitespace, which a Bearer token cannot carry).
 */
import { PIPELINES } from "../generated/gateway-pipelines.js";

/** The gateway's job routes, as `body-limit` names them. */
const ROUTES: readonly string[] = Object.values(PIPELINES).map((p) => p.path);

/**
 * Parses `body-limit` values (`/route=bytes`), refusing a route that is not a job route and a limit of 0.
 * @example parseBodyLimits(["/upscale=20971520"]) // { "/upscale": 20971520 }
 */
export function parseBodyLimits(values: readonly unknown[]): Record<string, number> {
  return Object.fromEntries(
    values.map((e) => {
      const m = /^(\/[a-z0-9-]+)=(\d+)$/.exec(String(e));
      if (!m) throw new Error(`body-limit must look like /upscale=20971520, got ${JSON.stringify(e)}`);
      if (!ROUTES.includes(m[1]!)) {
        throw new Error(`body-limit: ${m[1]} is not a job route; the routes are ${ROUTES.join(", ")}`);
      }
      const bytes = Number(m[2]);
      if (bytes < 1) throw new Error(`body-limit: ${m[1]}'s limit must be a whole number of bytes ≥ 1, got ${m[2]}`);
      return [m[1]!, bytes];
    }),
  );
}

/**
 * An `api-key` value, refused when it holds whitespace: an `Authorization: Bearer` token cannot carry it, so the key
 * could never match. The message does not repeat the key.
 * @example checkedApiKey("k1") // "k1"
 */
export function checkedApiKey(value: unknown): string {
  const key = String(value);
  if (/\s/.test(key)) {
    throw new Error(
      `api-key: a key must not hold spaces or other whitespace (an Authorization: Bearer token cannot), got one of ${key.length} characters`,
    );
  }
  return key;
}
