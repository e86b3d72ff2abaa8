/**
 * @module Job handles over real sockets against a scripted server, for what a healthy gateway does not do on demand:
 * an event stream dropped mid-way (the handle reconnects with Last-Event-ID and sees each event once), one stalled
 * before its headers or in the middle, a gateway that is briefly unavailable, and one without asynchronous jobs (it
 * answers the result directly).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { collectGarbage } from "../test/collect-garbage.js";
import { hangUp, json, type Step, startScriptedServer } from "../test/scripted-server.js";
import { createClient } from "./client.js";
import {
  ConnectionError,
  InvalidInputError,
  MalformedResponseError,
  NotFoundError,
  ServiceUnavailableError,
} from "./errors.js";
import type { Job } from "./jobs.js";

const ID = "job_AAAAAAAAAAAAAAAAAAAAAA";
const job = (status: Job["status"], extra: Partial<Job> = {}): Job => ({
  id: ID,
  status,
  pipeline: "upscale",
  model_id: "m",
  request_id: "r1",
  created_at: "2025-06-01T12:00:00.000Z",
  progress: { fraction: status === "succeeded" ? 1 : 0 },
  cancel_requested: false,
  ...extra,
});
const RESULT = { images: [{ url: "http://gw/outputs/a.png", seed: 1, nsfw: false }] };

/** Writes `events` as an event stream, then ends it (or destroys the socket, to drop it, or holds it open). */
function stream(events: Array<[number, string, unknown]>, end: "close" | "drop" | "hold" = "close"): Step {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("retry: 10\n\n");
    for (const [id, type, data] of events) res.write(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    if (end === "drop") setTimeout(() => res.socket?.destroy(), 20);
    else if (end === "close") res.end();
  };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("job handles", () => {
  it("reconnects a dropped event stream with Last-Event-ID and sees every event once", async () => {
    const server = await startScriptedServer([
      stream(
        [
          [1, "status", job("queued")],
          [2, "status", job("running")],
        ],
        "drop",
      ),
      json(503, { detail: { msg: "restarting" } }, { "retry-after": "0" }),
      stream([[3, "progress", { stage: "denoise", step: 1, total: 2, fraction: 0.5 }]], "close"),
      stream([[4, "result", job("succeeded", { result: RESULT })]]),
    ]);
    close = server.close;
    const client = createClient({ baseUrl: server.url, apiKey: "k" });
    const seen: number[] = [];
    const result = await client.job<"upscale">(ID).wait({ onProgress: (p) => seen.push(p.fraction) });
    expect(result).toEqual(RESULT);
    expect(seen).toEqual([0, 0, 0.5, 1]);
    expect(server.received.map((r) => [r.url, r.headers["last-event-id"], r.headers.authorization])).toEqual([
      [`/jobs/${ID}/events`, undefined, "Bearer k"],
      [`/jobs/${ID}/events`, "2", "Bearer k"],
      [`/jobs/${ID}/events`, "2", "Bearer k"],
      [`/jobs/${ID}/events`, "3", "Bearer k"],
    ]);
  });

  it("takes the job's state as its result when a resumed stream is empty and the job has ended", async () => {
    const server = await startScriptedServer([
      stream([[1, "status", job("running")]]),
      stream([]),
      json(200, job("succeeded", { result: RESULT })),
      stream([[1, "status", job("running")]]),
      stream([]),
      json(200, job("succeeded", { result: RESULT })),
    ]);
    close = server.close;
    const client = createClient({ baseUrl: server.url });
    // Before: "the event stream ended without the job's result", for a job that had succeeded.
    expect(await client.job<"upscale">(ID).wait()).toEqual(RESULT);
    const types: string[] = [];
    for await (const e of client.job(ID).events()) types.push(`${e.type} ${e.id}`);
    expect(types).toEqual(["status 1", "result 1"]);
  });

  it("throws the gateway's 404 for an unknown job at once", async () => {
    const server = await startScriptedServer([json(404, { detail: { msg: `no job ${ID}` } })]);
    close = server.close;
    const err = await createClient({ baseUrl: server.url })
      .job(ID)
      .wait()
      .catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe(`[GET] /jobs/${ID}/events: 404 Not Found — no job ${ID}`);
    expect(server.received).toHaveLength(1);
  });

  it("drops a stream silent for longer than eventStreamIdleMs and resumes it after the last event", async () => {
    let firstClosed = false;
    const server = await startScriptedServer([
      (_req, res) => {
        // One event, then silence on an open socket: the stream is stalled.
        stream([[1, "status", job("running")]], "hold")(_req, res, Buffer.alloc(0));
        res.on("close", () => {
          firstClosed = true;
        });
      },
      (_req, res) => {
        // Keep-alive comments for twice the idle limit, then the result: comments count as life.
        res.writeHead(200, { "content-type": "text/event-stream" });
        const beat = setInterval(() => res.write(": keep-alive\n\n"), 100);
        setTimeout(() => {
          clearInterval(beat);
          res.end(`id: 2\nevent: result\ndata: ${JSON.stringify(job("succeeded", { result: RESULT }))}\n\n`);
        }, 600);
      },
    ]);
    close = server.close;
    const client = createClient({ baseUrl: server.url, eventStreamIdleMs: 300 });
    const started = Date.now();
    expect(await client.job<"upscale">(ID).wait()).toEqual(RESULT);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(firstClosed).toBe(true);
    expect(server.received.map((r) => r.headers["last-event-id"])).toEqual([undefined, "1"]);
  }, 5000);

  it("counts headers not sent within eventStreamIdleMs as a stall: closes that connection and resumes", async () => {
    const closed: string[] = [];
    const track = (name: string, step: Step): Step => {
      return (req, res, body) => {
        req.socket.once("close", () => closed.push(name));
        return step(req, res, body);
      };
    };
    const server = await startScriptedServer([
      // Takes the connection and never writes a byte (a collection meanwhile must not cut the SDK off from it).
      track("no headers", () => collectGarbage()),
      // Headers, then an error body that never ends.
      track("no body", (_req, res) => {
        res.writeHead(503, { "content-type": "application/json", "retry-after": "0" }).write('{"detail":');
      }),
      track("result", (req, res, body) => {
        res.setHeader("connection", "close");
        return stream([[1, "result", job("succeeded", { result: RESULT })]])(req, res, body);
      }),
    ]);
    close = server.close;
    const client = createClient({ baseUrl: server.url, eventStreamIdleMs: 200 });
    const started = Date.now();
    expect(await client.job<"upscale">(ID).wait()).toEqual(RESULT);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.received.map((r) => r.url)).toEqual(Array(3).fill(`/jobs/${ID}/events`));
    // No connection that carried a request is left open: the SDK closed both stalled ones (the server never ended
    // either), the server the last.
    await expect.poll(() => closed.sort()).toEqual(["no body", "no headers", "result"]);
  }, 10_000);

  it("counts a stall as a failed attempt, as a 503 is: the 8th failure in a row rejects, naming the silence", async () => {
    const busy = json(503, { detail: { msg: "restarting" } }, { "retry-after": "0" });
    const server = await startScriptedServer([
      stream([[1, "status", job("running")]], "hold"),
      ...Array(6).fill(busy),
      stream([], "hold"),
    ]);
    close = server.close;
    const client = createClient({ baseUrl: server.url, eventStreamIdleMs: 100 });
    const err = await client
      .job(ID)
      .wait()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toBe(
      `[GET] /jobs/${ID}/events: connection failed — the event stream was silent for 100 ms (8 attempts)`,
    );
    // A stall, six 503s and a stall: eight failures in a row.
    expect(server.received.map((r) => r.headers["last-event-id"])).toEqual([undefined, ...Array(7).fill("1")]);
    expect(() => createClient({ baseUrl: server.url, eventStreamIdleMs: 0 })).toThrow(
      "createClient: eventStreamIdleMs must be a positive number of milliseconds, got 0",
    );
  }, 10_000);

  it("counts each error answer once: the 8th 503 in a row rejects saying 8 attempts, as 8 were sent", async () => {
    const server = await startScriptedServer([json(503, { detail: { msg: "busy" } }, { "retry-after": "0" })]);
    close = server.close;
    const err = await createClient({ baseUrl: server.url })
      .job(ID)
      .wait()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect([err.attempts, err.message]).toEqual([
      8,
      `[GET] /jobs/${ID}/events: 503 Service Unavailable — busy (8 attempts)`,
    ]);
    expect(server.received).toHaveLength(8);
  }, 10_000);

  it("reconnects after the stream's retry time, but no sooner than 250 ms and no later than 5 min", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      for (const [retry, most] of [
        ["0", 5],
        ["99999999999", 1],
      ] as const) {
        const server = await startScriptedServer([
          (_req, res) => {
            res.writeHead(200, { "content-type": "text/event-stream" });
            res.end(`retry: ${retry}\nid: 1\nevent: progress\ndata: {"fraction":0.1}\n\n`);
          },
        ]);
        close = server.close;
        const client = createClient({ baseUrl: server.url });
        const err = await client
          .job(ID)
          .wait({ signal: AbortSignal.timeout(1000) })
          .catch((e) => e);
        expect(err.name).toBe("AbortError");
        // retry: 0 reconnected about 450 times a second; retry: 99999999999 overflowed the timer (fired after 1 ms).
        expect(server.received.length).toBeLessThanOrEqual(most);
        await server.close();
        close = undefined;
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain("TimeoutOverflowWarning");
    } finally {
      process.off("warning", onWarning);
    }
  }, 10_000);

  it("takes a retry time from a stream that ended before any event, and keeps it for later connections", async () => {
    // WHATWG: a retry field sets the reconnection time when it is read, dispatched event or not (our gateway sends
    // it first). It was taken from events only, so this stream's wait was backoff's 250-500 ms, twice.
    const at: number[] = [];
    const timed =
      (step: Step): Step =>
      (req, res, body) => {
        at.push(Date.now());
        return step(req, res, body);
      };
    const server = await startScriptedServer([
      timed((_req, res) => void res.writeHead(200, { "content-type": "text/event-stream" }).end("retry: 1200\n\n")),
      json(200, job("running")),
      timed(hangUp),
      timed(stream([[1, "result", job("succeeded", { result: RESULT })]])),
    ]);
    close = server.close;
    expect(await createClient({ baseUrl: server.url }).job(ID).wait()).toEqual(RESULT);
    const events = `/jobs/${ID}/events`;
    expect(server.received.map((r) => r.url)).toEqual([events, `/jobs/${ID}`, events, events]);
    const gaps = [at[1]! - at[0]!, at[2]! - at[1]!];
    for (const gap of gaps) expect(gap, `${gaps}`).toBeGreaterThanOrEqual(1150);
    for (const gap of gaps) expect(gap, `${gaps}`).toBeLessThan(2500);
  }, 10_000);

  it("counts a 200 that is not an event stream as a failed attempt, and names its type after the last", async () => {
    const server = await startScriptedServer([json(200, job("running"), { "retry-after": "0" })]);
    close = server.close;
    const err = await createClient({ baseUrl: server.url })
      .job(ID)
      .wait()
      .catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(
      `[GET] /jobs/${ID}/events: malformed answer — expected text/event-stream, got 200 (application/json) (8 attempts)`,
    );
    expect(server.received.map((r) => r.url)).toEqual(Array(8).fill(`/jobs/${ID}/events`));
  }, 10_000);

  it("turns a gateway's direct answer (no asynchronous jobs) into a job that already succeeded", async () => {
    const server = await startScriptedServer([json(200, RESULT, { "x-request-id": "direct" })]);
    close = server.close;
    const handle = await createClient({ baseUrl: server.url }).submit("upscale", {
      modelId: "m",
      prompt: "",
      image: new Uint8Array([1]),
    });
    expect(server.received[0]!.headers.prefer).toBe("respond-async");
    expect(handle.job).toMatchObject({ status: "succeeded", request_id: "direct", result: RESULT });
    expect(await handle.wait()).toEqual(RESULT);
    expect(server.received).toHaveLength(1);
  });

  it("takes null as call options (plain JavaScript) as none, on every method that takes options", async () => {
    const server = await startScriptedServer([
      (req, res, body) => {
        const url = req.url ?? "";
        const step = url.endsWith("/events")
          ? stream([[1, "result", job("succeeded", { result: RESULT })]])
          : url.endsWith("/cancel")
            ? json(200, job("cancelled"))
            : url.startsWith("/jobs/")
              ? json(200, job("running"))
              : req.headers.prefer
                ? json(202, job("queued"))
                : json(200, RESULT);
        return step(req, res, body);
      },
    ]);
    close = server.close;
    const client = createClient({ baseUrl: server.url });
    const input = { prompt: "", image: new Uint8Array([1]) };
    const none = null as never;
    expect(await client.upscale(input, none)).toEqual(RESULT);
    expect(await client.download("/outputs/a.png", none)).toEqual(new TextEncoder().encode(JSON.stringify(RESULT)));
    const handle = await client.submit("upscale", input, none);
    expect(handle.id).toBe(ID);
    expect((await handle.refresh(none)).status).toBe("running");
    const types: string[] = [];
    for await (const e of handle.events(none)) types.push(e.type);
    expect(types).toEqual(["result"]);
    expect(await client.job(ID).wait(none)).toEqual(RESULT);
    expect((await handle.cancel(none)).status).toBe("cancelled");
    expect(server.received.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /upscale",
      "GET /outputs/a.png",
      "POST /upscale",
      `GET /jobs/${ID}`,
      `GET /jobs/${ID}/events`,
      `GET /jobs/${ID}/events`,
      `POST /jobs/${ID}/cancel`,
    ]);
  });

  it("refuses an id that is not a job id with an InvalidInputError, before any request", () => {
    const client = createClient({ baseUrl: "http://127.0.0.1:9" });
    for (const id of ["nope", "job_x\n", undefined]) {
      const err = (() => {
        try {
          client.job(id as string);
        } catch (e) {
          return e;
        }
      })() as InvalidInputError;
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.message).toBe(
        `[GET] /jobs/{id}: invalid input — not a job id: ${JSON.stringify(id)} (job ids look like job_ and 22 characters)`,
      );
    }
  });

  it("refuses a webhook without a URL (an empty one, or only a secret) before sending", async () => {
    const server = await startScriptedServer([json(202, job("queued"))]);
    close = server.close;
    const client = createClient({ baseUrl: server.url });
    const input = { prompt: "", image: new Uint8Array([1]) };
    for (const [webhook, got] of [
      [{ url: "" }, '""'],
      [{ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }, "undefined"],
      [{ url: "hooks.example.com/avs" }, '"hooks.example.com/avs"'],
    ] as const) {
      const err = await client.submit("upscale", input, { webhook: webhook as { url: string } }).catch((e) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.message).toBe(
        `[POST] /upscale: invalid input — webhook.url must be an absolute http: or https: URL, got ${got}`,
      );
    }
    expect(server.received).toHaveLength(0);
    await client.submit("upscale", input, { webhook: { url: "https://hooks.example.com/avs", secret: "whsec_x" } });
    expect(server.received[0]!.headers["webhook-url"]).toBe("https://hooks.example.com/avs");
    expect(server.received[0]!.headers["webhook-secret"]).toBe("whsec_x");
  });
});
