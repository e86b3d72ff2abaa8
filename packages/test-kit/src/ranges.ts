/**
 * @module The Range answers of an `/outputs/{name}` route, checked the same way at every server that serves outputs
 * (the broadcaster with each of its stores, the orchestrator): what a browser seeking in a video asks.
 */

/** A range asked for, and the bytes it must be answered with: `start` to `end`, both included. */
export type RangeCase = [range: string, start: number, end: number];

/**
 * Everything wrong with the answers of `url` (an output whose bytes are `bytes`) to Range requests, as lines; none
 * when it answers as RFC 9110 says: 206 with `Content-Range: bytes a-b/size`, the part's `Content-Length` and bytes
 * for `bytes=a-b`, `bytes=a-` and `bytes=-n` (and for each of `more`); 416 with `Content-Range: bytes *\/size` for a
 * range past the end; 200 with all of it for no range, several ranges or a malformed one; `Accept-Ranges: bytes` on
 * each, with the output's media type (by its extension); and HEAD with GET's headers, no body, and the range ignored.
 * @example expect(await rangeProblems(`${url}/outputs/${name}`, bytes)).toEqual([]);
 */
export async function rangeProblems(url: string, bytes: Uint8Array, more: RangeCase[] = []): Promise<string[]> {
  const size = bytes.length;
  const type = url.endsWith(".mp4") ? "video/mp4" : "image/png";
  const problems: string[] = [];
  const expect = (what: string, got: unknown, wanted: unknown) => {
    if (got !== wanted) problems.push(`${what}: ${JSON.stringify(got)}, expected ${JSON.stringify(wanted)}`);
  };
  const ask = async (range: string | undefined, method = "GET") => {
    const res = await fetch(url, { method, headers: range ? { range } : {} });
    const body = new Uint8Array(await res.arrayBuffer());
    const what = `${method} ${range ?? "without Range"}`;
    expect(`${what}: Accept-Ranges`, res.headers.get("accept-ranges"), "bytes");
    if (res.status !== 416) expect(`${what}: Content-Type`, res.headers.get("content-type"), type);
    return { res, body, what };
  };
  const same = (what: string, got: Uint8Array, wanted: Uint8Array) =>
    expect(`${what}: the bytes are the output's`, Buffer.compare(got, wanted) === 0, true);

  for (const range of [undefined, "bytes=0-1,5-9", "bytes=9-2", "bytes=abc", "lines=0-9"]) {
    const { res, body, what } = await ask(range);
    expect(`${what}: status`, res.status, 200);
    expect(`${what}: Content-Length`, res.headers.get("content-length"), String(size));
    expect(`${what}: Content-Range`, res.headers.get("content-range"), null);
    same(what, body, bytes);
  }
  const cases: RangeCase[] = [
    ["bytes=0-99", 0, 99],
    [`bytes=${size - 10}-`, size - 10, size - 1],
    ["bytes=-1000", size - 1000, size - 1],
    [`bytes=-${size * 2}`, 0, size - 1],
    [`bytes=5-${size * 2}`, 5, size - 1],
    ...more,
  ];
  for (const [range, start, end] of cases) {
    const { res, body, what } = await ask(range);
    expect(`${what}: status`, res.status, 206);
    expect(`${what}: Content-Range`, res.headers.get("content-range"), `bytes ${start}-${end}/${size}`);
    expect(`${what}: Content-Length`, res.headers.get("content-length"), String(end - start + 1));
    same(what, body, bytes.subarray(start, end + 1));
  }
  for (const range of [`bytes=${size}-`, `bytes=${size + 5}-${size + 10}`, "bytes=-0"]) {
    const { res, body, what } = await ask(range);
    expect(`${what}: status`, res.status, 416);
    expect(`${what}: Content-Range`, res.headers.get("content-range"), `bytes */${size}`);
    expect(`${what}: says why`, Buffer.from(body).toString().includes("past the end"), true);
  }
  for (const range of [undefined, "bytes=0-99"]) {
    const { res, body, what } = await ask(range, "HEAD");
    expect(`${what}: status`, res.status, 200);
    expect(`${what}: Content-Length`, res.headers.get("content-length"), String(size));
    expect(`${what}: body bytes`, body.length, 0);
  }
  return problems;
}
