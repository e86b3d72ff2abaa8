/**
 * @module The `Retry-After` response header (RFC 9110 §10.2.3) as the wait a 429 or 503 answer asks for:
 * `delay-seconds`, or an `HTTP-date` in any of the three forms a recipient must accept (§5.6.7: IMF-fixdate and the
 * obsolete RFC 850 and asctime forms). A value that is none of these, or a date not in the future, asks for nothing.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH = MONTHS.join("|");
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${MONTH}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);
/** `Sunday, 06-Nov-94 08:49:37 GMT` */
const RFC850_DATE = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-(${MONTH})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);
/** `Sun Nov  6 08:49:37 1994` */
const ASCTIME_DATE = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${MONTH}) ([ \\d]\\d) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`,
);

/** Milliseconds since the epoch of a valid date and time in UTC, else undefined (no 30 February, no 25:00). */
function utc(year: number, month: string, day: number, h: number, m: number, s: number): number | undefined {
  const mon = MONTHS.indexOf(month);
  if (h > 23 || m > 59 || s > 60 || new Date(Date.UTC(year, mon, day)).getUTCDate() !== day) return undefined;
  return Date.UTC(year, mon, day, h, m, s);
}

/**
 * An HTTP-date (RFC 9110 §5.6.7) as milliseconds since the epoch, or undefined. An RFC 850 date's two-digit year is
 * the one in the current century unless that is more than 50 years ahead, then the century before, as §5.6.7 says.
 *
 * @example parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"); // 784111777000
 */
export function parseHttpDate(value: string, now = Date.now()): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2] as string, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850_DATE.exec(value);
  if (m) {
    const thisYear = new Date(now).getUTCFullYear();
    let year = thisYear - (thisYear % 100) + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2] as string, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME_DATE.exec(value);
  if (m) return utc(Number(m[6]), m[1] as string, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

/**
 * The wait a `Retry-After` value asks for, in milliseconds from `now`: delay-seconds (digits only, so no negative or
 * fractional value), or the time until an HTTP-date in the future. Undefined for no header, a malformed value or a
 * date that is not in the future: the retry then waits its own backoff.
 *
 * @example
 * parseRetryAfter("120"); // 120000
 * parseRetryAfter("soon"); // undefined
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = parseHttpDate(value, now);
  return at !== undefined && at > now ? at - now : undefined;
}

/**
 * The wait an answer asks for before another request: its `Retry-After` when it is a 429 (RFC 6585 §4) or a 503
 * (RFC 9110 §15.6.4), the statuses that send one to say when to come back; undefined otherwise.
 *
 * @example const asked = retryAfterOf(res); // 30000 for a 429 with "Retry-After: 30"
 */
export function retryAfterOf(res: Response, now = Date.now()): number | undefined {
  return res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get("retry-after"), now) : undefined;
}
