/** @module Single byte ranges: the `Range` parser, what a range asks of an object, and the answers on a real server. */
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  errorHandler,
  type HttpServer,
  listen,
  outputCacheControl,
  parseByteRange,
  rangedAnswer,
  rangePart,
  silentLogger,
} from "../src/index.js";

describe("parseByteRange", () => {
  it("reads the three forms of one range", () => {
    expect(parseByteRange("bytes=0-99")).toEqual({ first: 0, last: 99 });
    expect(parseByteRange("bytes=100-")).toEqual({ first: 100 });
    expect(parseByteRange("bytes=-500")).toEqual({ suffix: 500 });
    expect(parseByteRange("bytes=7-7")).toEqual({ first: 7, last: 7 });
    // The unit is case-insensitive, spaces around a list element and empty elements are allowed.
    expect(parseByteRange("Bytes= 0-99 ,")).toEqual({ first: 0, last: 99 });
    expect(parseByteRange("bytes=-0")).toEqual({ suffix: 0 });
  });

  it("ignores what is not one well-formed byte range (answered whole)", () => {
    for (const h of [
      undefined,
      "",
      "bytes=",
      "bytes=-",
      "bytes=0-1,5-9",
      "bytes=5-3",
      "bytes=a-b",
      "bytes=0x10-",
      "bytes=1.5-2",
      "bytes=+1-2",
      "bytes 0-99",
      "items=0-9",
      "bytes=0 - 9",
    ]) {
      expect(parseByteRange(h), String(h)).toBeUndefined();
    }
  });
});

describe("rangePart", () => {
  it("clamps to the object and resolves suffixes", () => {
    expect(rangePart({ first: 0, last: 99 }, 1000)).toEqual({ start: 0, end: 99 });
    expect(rangePart({ first: 900, last: 5000 }, 1000)).toEqual({ start: 900, end: 999 });
    expect(rangePart({ first: 999 }, 1000)).toEqual({ start: 999, end: 999 });
    expect(rangePart({ suffix: 1 }, 1000)).toEqual({ start: 999, end: 999 });
    expect(rangePart({ suffix: 5000 }, 1000)).toEqual({ start: 0, end: 999 });
    expect(rangePart({ first: 0, last: 1e30 }, 1000)).toEqual({ start: 0, end: 999 });
  });

  it("is unsatisfiable past the end or for an empty suffix, and whole for no range or a suffix of nothing", () => {
    expect(rangePart({ first: 1000 }, 1000)).toBe("unsatisfiable");
    expect(rangePart({ first: 1e30, last: 2e30 }, 1000)).toBe("unsatisfiable");
    expect(rangePart({ suffix: 0 }, 1000)).toBe("unsatisfiable");
    expect(rangePart({ first: 0 }, 0)).toBe("unsatisfiable");
    expect(rangePart({ suffix: 10 }, 0)).toBeUndefined();
    expect(rangePart(undefined, 1000)).toBeUndefined();
  });
});

describe("rangedAnswer on a server", () => {
  const DATA = new Uint8Array(1000).map((_, i) => i % 251);
  let server: HttpServer;
  let cancelled = 0;
  beforeAll(async () => {
    const app = new Hono();
    app.onError(errorHandler(silentLogger));
    app.get("/object", (c) => {
      const part = rangePart(parseByteRange(c.req.header("range")), DATA.length);
      const span = part && part !== "unsatisfiable" ? part : { start: 0, end: DATA.length - 1 };
      const body =
        c.req.method === "HEAD"
          ? undefined
          : new ReadableStream<Uint8Array>({
              start(ctl) {
                ctl.enqueue(DATA.slice(span.start, span.end + 1));
                ctl.close();
              },
              cancel: () => void cancelled++,
            });
      return rangedAnswer({ body, contentType: "video/mp4", size: DATA.length, part }, { "cache-control": "x" });
    });
    server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  });
  afterAll(() => server?.stop(0));

  const get = (range?: string, method = "GET") =>
    fetch(`${server.url}/object`, { method, headers: range ? { range } : {} });

  it("answers 200 with all of it and Accept-Ranges when no range is asked", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("content-length")).toBe("1000");
    expect(res.headers.get("content-range")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("x");
    expect([5000, 7_200_000, -1].map(outputCacheControl)).toEqual([
      "private, max-age=5, immutable",
      "private, max-age=3600, immutable",
      "private, max-age=0, immutable",
    ]);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(DATA);
  });

  it("answers 206 with Content-Range and the part's length", async () => {
    for (const [range, start, end] of [
      ["bytes=0-99", 0, 99],
      ["bytes=990-", 990, 999],
      ["bytes=-10", 990, 999],
      ["bytes=500-100000", 500, 999],
    ] as const) {
      const res = await get(range);
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/1000`);
      expect(res.headers.get("content-length")).toBe(String(end - start + 1));
      expect(res.headers.get("content-type")).toBe("video/mp4");
      expect(res.headers.get("accept-ranges")).toBe("bytes");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(DATA.subarray(start, end + 1));
    }
  });

  it("answers 416 with bytes */size for a range past the end, cancelling the body", async () => {
    const before = cancelled;
    const res = await get("bytes=1000-");
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe("bytes */1000");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect((await res.json()).detail.msg).toMatch(/past the end of this 1000-byte output/);
    expect(cancelled).toBe(before + 1);
  });

  it("answers several ranges and malformed ones whole", async () => {
    for (const range of ["bytes=0-1,5-9", "bytes=9-2", "pages=1-2"]) {
      const res = await get(range);
      expect(res.status, range).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(1000);
    }
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const res = await get(undefined, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("1000");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });
});
