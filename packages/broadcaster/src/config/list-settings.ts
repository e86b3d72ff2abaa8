/**
 * @module The values of list settings that need more than the settings parser's types: `body-limit` (a job route and
 * a whole number of bytes ≥ 1) and `api-key` (a bearer token, by server-kit's one rule: RFC 6750's characters).
 */
import { BEARER_TOKEN_RULE, isBearerToken } from "@ai-video-subnet/server-kit";
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
 * An `api-key` value, refused unless it is a bearer token by server-kit's rule (RFC 6750's characters, the rule
 * requests are read by): an `Authorization: Bearer` header cannot carry any other, so the key could never match.
 * The message does not repeat the key. An empty one is left for the key set to ignore, as before.
 * @example checkedApiKey("k1") // "k1"
 */
export function checkedApiKey(value: unknown): string {
  const key = String(value);
  if (key !== "" && !isBearerToken(key)) {
    throw new Error(
      `api-key: a key may hold ${BEARER_TOKEN_RULE} (an Authorization: Bearer header carries no other), got one of ${key.length} characters that holds something else`,
    );
  }
  return key;
}
