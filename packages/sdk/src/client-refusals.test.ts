/**
 * What the client refuses or rejects, against a scripted server on 127.0.0.1 (test/scripted-server.ts) that records
 * what reaches it: settings that cannot work (a baseUrl that is not http(s), a timeoutMs no timer can wait), input no
 * request can carry and a download of something that is not a result (refused before sending, as an
 * InvalidInputError), and success answers the call cannot use (a MalformedResponseError, not a ConnectionError).
 */
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { json, OK, PNG, scriptedServers } from "../test/scripted-server.js";
import { createClient } from "./client.js";
import { ConnectionError, InvalidInputError, MalformedResponseError } from "./errors.js";

const serve = scriptedServers();

describe("settings refused at once", () => {
  it("refuses a baseUrl that is not an absolute http(s) URL, or has a query or fragment, saying what is allowed", () => {
    for (const baseUrl of [
      "localhost:8937",
      "ftp://127.0.0.1/",
      "http://127.0.0.1:8937/?key=1",
      "http://127.0.0.1/#x",
    ]) {
      expect(() => createClient({ baseUrl })).toThrow(
        new TypeError(
          `createClient: baseUrl must be an absolute URL such as http://127.0.0.1:8937, got "${baseUrl.replace(/\/+$/, "")}"; allowed: http: or https:, optionally with a path prefix, without ?query or #fragment`,
        ),
      );
    }
    expect(() => createClient({ baseUrl: "https://gateway.example.com/ai/" })).not.toThrow();
    // Accepted, every call failed with a message that quoted the password.
    expect(() => createClient({ baseUrl: "http://u:secret@127.0.0.1:8937" })).toThrow(
      new TypeError("createClient: baseUrl must not hold user:password@; send the API key as apiKey"),
    );
  });

  it("refuses a signal that is not an AbortSignal at once, leaving no timer to hold the process", async () => {
    const client = createClient({ baseUrl: "http://127.0.0.1:9", timeoutMs: 60_000 });
    // Before: "signal?.addEventListener is not a function", after the call's timer had started.
    const err = await client.textToImage({ prompt: "p" }, { signal: {} as never }).catch((e) => e);
    expect(err).toEqual(new TypeError("/text-to-image: signal must be an AbortSignal, got object"));
    await expect(client.job("job_AAAAAAAAAAAAAAAAAAAAAA").wait({ signal: "stop" as never })).rejects.toThrow(
      "signal must be an AbortSignal, got string",
    );
  });

  it("refuses a timeoutMs no timer can wait (over 2^31 - 1 ms) for the client and per call, sending nothing", async () => {
    const server = await serve(json(200, OK));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const message = (where: string) =>
        `${where}: timeoutMs must be a positive number of milliseconds, got 2147483648; the longest allowed is 2147483647 (about 24.8 days)`;
      expect(() => createClient({ baseUrl: server.url, timeoutMs: 2 ** 31 })).toThrow(
        new RangeError(message("createClient")),
      );
      const client = createClient({ baseUrl: server.url, timeoutMs: 2 ** 31 - 1 });
      const calls = [
        client.textToImage({ prompt: "p" }, { timeoutMs: 2 ** 31 }),
        client.download("/outputs/a.png", { timeoutMs: 2 ** 31 }),
        client.job("job_AAAAAAAAAAAAAAAAAAAAAA").refresh({ timeoutMs: 2 ** 31 }),
      ];
      const errors = await Promise.all(calls.map((c) => c.catch((e) => e)));
      expect(errors.map((e) => [e.constructor, e.message])).toEqual([
        [RangeError, message("/text-to-image")],
        [RangeError, message("download")],
        [RangeError, message("/jobs/job_AAAAAAAAAAAAAAAAAAAAAA")],
      ]);
      expect(await client.textToImage({ prompt: "p" })).toEqual(OK);
      expect(server.received).toHaveLength(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain("TimeoutOverflowWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("settings and input refused without a retry or a leaked secret", () => {
  it("refuses a fetch that is not a function at createClient, not as every call's ConnectionError", () => {
    expect(() => createClient({ baseUrl: "http://127.0.0.1:9", fetch: "undici" as never })).toThrow(
      new TypeError("createClient: fetch must be a function taking a Request, got string"),
    );
    expect(() => createClient({ baseUrl: "http://127.0.0.1:9", fetch: null as never })).not.toThrow();
  });

  it("names the character of an apiKey a header cannot carry and its index, never quoting the key", () => {
    for (const [apiKey, code, at] of [
      ["sk-live-SECRET\nX", "000A", 14],
      ["\nsk-live-SECRET", "000A", 0],
      ["sk-live-SECRET€", "20AC", 14],
    ] as const) {
      const err = (() => {
        try {
          createClient({ baseUrl: "http://127.0.0.1:9", apiKey });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err).toEqual(
        new TypeError(
          `createClient: apiKey has U+${code} at index ${at}; a header takes characters up to U+00FF but NUL, CR and LF (the key is not shown)`,
        ),
      );
      expect(JSON.stringify([err?.message, String(err?.cause)])).not.toContain("SECRET");
    }
    // Whitespace at the end is trimmed, as the platform's Headers does: such a key (read from a file) still works.
    expect(() => createClient({ baseUrl: "http://127.0.0.1:9", apiKey: "sk-live-SECRET\n" })).not.toThrow();
  });

  it("names a header whose value a header cannot carry, client-wide or per call, never showing the value", async () => {
    const server = await serve(json(200, OK));
    const said = (e: Error) => JSON.stringify([e.message, e.stack, String(e.cause), (e.cause as Error)?.stack]);
    const allowed = "a header takes characters up to U+00FF but NUL, CR and LF (the value is not shown)";
    for (const [headers, name, code, at] of [
      [{ "X-Token": "sk-live-SECRET\nX" }, "X-Token", "000A", 14],
      [[["x-token", " sk-live-SECRET€"]], "x-token", "20AC", 15],
      [{ "X-Token": "\0sk-live-SECRET" }, "X-Token", "0000", 0],
    ] as const) {
      const made = (() => {
        try {
          createClient({ baseUrl: server.url, headers: headers as never });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(made).toEqual(new TypeError(`createClient: header "${name}" has U+${code} at index ${at}; ${allowed}`));
      const client = createClient({ baseUrl: server.url });
      const call = { headers: headers as never };
      const errors: Error[] = await Promise.all(
        [
          client.textToImage({ prompt: "p" }, call),
          client.download("/outputs/a.png", call),
          client.job("job_AAAAAAAAAAAAAAAAAAAAAA").refresh(call),
        ].map((p) => p.catch((e) => e)),
      );
      expect(errors.map((e) => [e.constructor, e.message])).toEqual(
        ["[POST] /text-to-image", `[GET] ${server.url}/outputs/a.png`, "[GET] /jobs/job_AAAAAAAAAAAAAAAAAAAAAA"].map(
          (where) => [
            InvalidInputError,
            `${where}: invalid input — header "${name}" has U+${code} at index ${at}; ${allowed}`,
          ],
        ),
      );
      for (const err of [made, ...errors]) expect(said(err as Error)).not.toContain("SECRET");
    }
    const webhook = { url: "https://example.com/h", secret: "whsec_SECRET\rX" };
    const secret = await createClient({ baseUrl: server.url })
      .submit("textToImage", { prompt: "p" }, { webhook })
      .catch((e) => e);
    expect(secret.message).toBe(
      `[POST] /text-to-image: invalid input — header "Webhook-Secret" has U+000D at index 12; ${allowed}`,
    );
    expect(said(secret)).not.toContain("SECRET");
    expect(() => createClient({ baseUrl: server.url, headers: { "x token": "v" } })).toThrow(
      new TypeError('createClient: header name "x token" is not a token: letters, digits and !#$%&\'*+-.^_`|~'),
    );
    // Whitespace at either end is trimmed, as Headers does: such a value still goes.
    await createClient({ baseUrl: server.url, headers: { "X-Token": " ok\r\n" } }).textToImage({ prompt: "p" });
    expect(server.received.map((r) => r.headers["x-token"])).toEqual(["ok"]);
  });

  it("refuses a NaN or infinite number, which JSON would send as null, naming it", async () => {
    const server = await serve(json(200, OK));
    const client = createClient({ baseUrl: server.url });
    for (const [width, shown] of [
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
    ] as const) {
      const err = await client.textToImage({ prompt: "p", width }).catch((e) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.message).toBe(
        `[POST] /text-to-image: invalid input — option "width" must be a finite number, got ${shown}`,
      );
    }
    expect(server.received).toHaveLength(0);
  });

  it("refuses a data: URL that cannot be decoded at once, as input, not as 3 failed connections", async () => {
    const sent: string[] = [];
    const client = createClient({
      baseUrl: "http://127.0.0.1:9",
      fetch: (request) => {
        sent.push(request.url);
        return fetch(request);
      },
    });
    for (const url of ["data:image/png;base64", "data:image/png;base64,@@@@"]) {
      const err = await client.download(url).catch((e) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.message).toBe(
        `[GET] ${url.slice(0, 32)}…: invalid input — a data: URL that cannot be decoded; allowed: data:[<type>][;base64],<data>`,
      );
      expect(err.attempts).toBe(0);
    }
    expect(sent).toEqual(["data:image/png;base64", "data:image/png;base64,@@@@"]);
    expect(await client.download("data:;base64,aGk=")).toEqual(new TextEncoder().encode("hi"));
  });
});

describe("input refused before sending", () => {
  it("makes an InvalidInputError, with the original as cause, of every input no request can carry", async () => {
    const server = await serve(json(200, OK));
    const client = createClient({ baseUrl: server.url });
    const refusal = (call: Promise<unknown>) =>
      call.then(
        () => expect.fail("resolved"),
        (e) => {
          expect(e).toBeInstanceOf(InvalidInputError);
          expect(e.attempts).toBe(0);
          return e as InvalidInputError;
        },
      );
    const missing = await refusal(client.imageToImage({ prompt: "p", image: "./nope.png" }));
    expect(missing.message).toBe(
      "[POST] /image-to-image: invalid input — image: ENOENT: no such file or directory, stat './nope.png'",
    );
    expect((missing.cause as NodeJS.ErrnoException).code).toBe("ENOENT");
    const directory = await refusal(client.upscale({ prompt: "", image: tmpdir() }));
    expect(directory.message).toBe(`[POST] /upscale: invalid input — image: "${tmpdir()}" is not a file`);
    expect(directory.cause).toBeInstanceOf(TypeError);
    const unknown = await refusal(client.submit("nope" as "upscale", { prompt: "", image: PNG }));
    expect(unknown.message).toMatch(/^\[POST\] \/nope: invalid input — no pipeline "nope"; one of textToImage, /);
    const nothing = await refusal(client.textToImage(null as never));
    expect(nothing.message).toBe("[POST] /text-to-image: invalid input — the options must be an object, got null");
    const big = await refusal(client.textToImage({ prompt: "p", seed: 1n as never }));
    expect(big.message).toBe(
      '[POST] /text-to-image: invalid input — option "seed" must be a string, number or boolean, got a bigint',
    );
    const id = await refusal(client.textToImage({ prompt: "p" }, { requestId: "a\nb" }));
    expect(id.message).toBe(
      '[POST] /text-to-image: invalid input — requestId must be 1-128 visible ASCII characters, not . or .., got "a\\nb"',
    );
    for (const dots of [".", ".."]) {
      const refused = await refusal(client.textToImage({ prompt: "p" }, { requestId: dots }));
      expect(refused.message).toMatch(/requestId must be 1-128 visible ASCII characters, not \. or \.\., got "\.\.?"$/);
    }
    const header = await refusal(client.download("/outputs/a.png", { headers: { "x-note": "a\nb" } }));
    // Not the platform's TypeError, which quotes the value: it may be a secret.
    expect([header.message.includes('header "x-note" has U+000A at index 1'), header.cause]).toEqual([true, undefined]);
    // null (plain JavaScript) was sent as the text "null": two calls' idempotency keys made one job.
    const nullId = await refusal(client.textToImage({ prompt: "p" }, { requestId: null as never }));
    expect(nullId.message).toBe(
      "[POST] /text-to-image: invalid input — requestId must be 1-128 visible ASCII characters, not . or .., got null",
    );
    const nullKey = await refusal(client.submit("textToImage", { prompt: "p" }, { idempotencyKey: null as never }));
    expect(nullKey.message).toBe(
      "[POST] /text-to-image: invalid input — idempotencyKey must be a non-empty string, got null",
    );
    const jobId = await refusal(client.job("job_AAAAAAAAAAAAAAAAAAAAAA").refresh({ requestId: "" }));
    expect(jobId.message).toMatch(/^\[GET\] \/jobs\/job_A{22}: invalid input — requestId must be 1-128/);
    expect(server.received).toHaveLength(0);
  });
});

describe("download refuses what is not a result", () => {
  it("makes an InvalidInputError of anything but a Media or a URL, saying what it got, sending nothing", async () => {
    const server = await serve(json(200, OK));
    const client = createClient({ baseUrl: server.url });
    const allowed = "media must be a Media or a URL string";
    const cases: [unknown, string][] = [
      [null, "null"],
      [undefined, "undefined"],
      [5, "5"],
      ["", '""'],
      [{}, "an object whose url is undefined"],
      [{ href: "/outputs/a.png" }, "an object whose url is undefined"],
      [{ url: 7, seed: 1, nsfw: false }, "an object whose url is 7"],
      [{ url: null }, "an object whose url is null"],
      [{ url: { href: "/outputs/a.png" } }, "an object whose url is an object"],
      [true, "true"],
      ["http://[::1", '"http://[::1"'],
      [{ url: "https://[" }, 'an object whose url is "https://["'],
    ];
    for (const [media, got] of cases) {
      const err = await client.download(media as string).catch((e) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.message).toBe(`[GET] download: invalid input — ${allowed}, got ${got}`);
      expect(err.attempts).toBe(0);
    }
    const unparsable = await client.download("http://[::1").catch((e) => e);
    expect(unparsable.cause).toBeInstanceOf(TypeError);
    expect(server.received).toHaveLength(0);
    expect(await client.download({ url: "/outputs/a.png", seed: 1, nsfw: false })).toEqual(
      new TextEncoder().encode(JSON.stringify(OK)),
    );
  });
  it("refuses a URL of a scheme it cannot fetch, naming it; http(s), data: and gateway paths still download", async () => {
    const server = await serve(json(200, OK));
    const client = createClient({ baseUrl: `${server.url}/gw` });
    const cases: [unknown, string][] = [
      ["file:///etc/passwd", "file:"],
      [{ url: "ftp://127.0.0.1/outputs/a.png", seed: 1, nsfw: false }, "ftp:"],
      ["javascript:alert(1)", "javascript:"],
      ["localhost:8937/outputs/a.png", "localhost:"],
    ];
    for (const [media, scheme] of cases) {
      const err = await client.download(media as string).catch((e) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.message).toBe(
        `[GET] download: invalid input — a media URL must be http:, https: or data:, got a ${scheme} URL`,
      );
      expect(err.attempts).toBe(0);
    }
    expect(server.received).toHaveLength(0);
    const bytes = new TextEncoder().encode(JSON.stringify(OK));
    expect(await client.download("outputs/a.png")).toEqual(bytes);
    expect(await client.download({ url: "/outputs/b.png", seed: 1, nsfw: false })).toEqual(bytes);
    expect(await client.download(`${server.url.replace("http:", "HTTP:")}/outputs/c.png`)).toEqual(bytes);
    expect(await client.download("data:,hi")).toEqual(new TextEncoder().encode("hi"));
    expect(server.received.map((r) => r.url)).toEqual(["/gw/outputs/a.png", "/outputs/b.png", "/outputs/c.png"]);
  });
});

describe("malformed answers", () => {
  it("rejects a 200 whose body is not JSON, or empty, and a 204, naming status, type and first bytes", async () => {
    const page = `<html><body>${"proxy says hi ".repeat(10)}</body></html>`;
    const server = await serve(
      (_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end(page),
      (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end(),
      (_req, res) => void res.writeHead(204).end(),
      (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("null"),
      (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("[1,2]"),
      (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("{}"),
    );
    const client = createClient({ baseUrl: server.url });
    const errors = [];
    for (let i = 0; i < 6; i++) errors.push(await client.textToImage({ prompt: "p", seed: 1 }).catch((e) => e));
    for (const err of errors) {
      expect(err).toBeInstanceOf(MalformedResponseError);
      expect(err).not.toBeInstanceOf(ConnectionError);
    }
    expect(errors.map((e) => e.message)).toEqual([
      `[POST] /text-to-image: malformed answer — expected a JSON body, got 200 (text/html) with body "${page.slice(0, 100)}…"`,
      "[POST] /text-to-image: malformed answer — expected a JSON body, got 200 (application/json) with an empty body",
      "[POST] /text-to-image: malformed answer — expected a JSON body, got 204 (no content type) with an empty body",
      '[POST] /text-to-image: malformed answer — expected a JSON object, got 200 (application/json) with body "null"',
      // Both were the call's result: an array, and an object without images.
      '[POST] /text-to-image: malformed answer — expected a JSON object, got 200 (application/json) with body "[1,2]"',
      '[POST] /text-to-image: malformed answer — expected a JSON object with an images array of objects with a url string, got 200 (application/json) with body "{}"',
    ]);
    expect([errors[0].status, errors[0].body]).toEqual([200, page]);
    expect(errors[0].cause).toBeInstanceOf(SyntaxError);
    // A malformed answer is not retried: sending again would not make it well-formed.
    expect(server.received).toHaveLength(6);
  });

  it("rejects a job read whose 200 is not a JSON object", async () => {
    const server = await serve((_req, res) => void res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
    const err = await createClient({ baseUrl: server.url })
      .job("job_AAAAAAAAAAAAAAAAAAAAAA")
      .refresh()
      .catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(
      '[GET] /jobs/job_AAAAAAAAAAAAAAAAAAAAAA: malformed answer — expected a JSON body, got 200 (text/plain) with body "ok"',
    );
  });
});
