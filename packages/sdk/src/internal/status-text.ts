/** @module Reason phrases for the statuses a gateway sends, for when a response carries none (HTTP/2, some proxies). */

const PHRASES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * The RFC 9110 reason phrase of `status`, or "" when it is not one a gateway sends.
 *
 * @example
 * reasonPhrase(422); // "Unprocessable Entity"
 */
export function reasonPhrase(status: number): string {
  return PHRASES[status] ?? "";
}
