/**
 * @module FAKE orchestrator for unit tests of selection, retries and backoff: a real HTTP server on 127.0.0.1 that
 * speaks the orchestrator API (`/info`, job routes, `/outputs`) with scripted behaviour (delay, errors, dropped
 * connections). The cross-process tests use the real orchestrator and runner instead (test/e2e).
 */
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { type Context, Hono } from "hono";

/** A 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2217bc60000000049454e44ae426082",
  "hex",
);

/** How the fake answers a job. */
export type FakeBehaviour =
  /**
   * The output as a URL the fake serves; `inline`: always as a `data:` URL in the answer (an orchestrator with
   * `media-delivery data`); `honoursDelivery`: as a `data:` URL when the request asks with `X-Media-Delivery: data`
   * (else the fake ignores that header, as an orchestrator that does not know it).
   */
  | { kind: "ok"; delayMs?: number; inline?: boolean; honoursDelivery?: boolean }
  | { kind: "status"; status: number; msg: string; retryAfter?: number }
  /** A 200 with this body as it is (a malformed answer), typed `type` (default `application/json`). */
  | { kind: "answer"; body: string; type?: string }
  /**
   * A 200 JSON answer of `bytes` bytes (one inline output padded out), streamed as it is read; `declared`: with its
   * Content-Length (else chunked). Counted in `streamedBytes`.
   */
  | { kind: "stream"; bytes: number; declared?: boolean }
  | { kind: "drop" };

/** A capability the fake advertises. */
export interface FakeCapability {
  pipeline: string;
  model_id: string;
  warm?: boolean;
  capacity?: number;
  in_use?: number;
  price_per_unit?: number;
  pixels_per_unit?: number;
}

/** A started fake orchestrator. */
export interface FakeOrchestrator {
  url: string;
  /** Requests received on job routes: path, headers and text fields. */
  jobs: Array<{
    path: string;
    auth: string | undefined;
    requestId: string | undefined;
    /** The request's `X-Media-Delivery` header. */
    delivery: string | undefined;
    fields: Record<string, unknown>;
  }>;
  /** GETs of its `/outputs/…` (the second round trip of a URL answer). */
  outputGets: number;
  behaviour: FakeBehaviour;
  /** Behaviour for jobs of one `model_id`, in place of `behaviour`. */
  behaviourByModel: Record<string, FakeBehaviour>;
  /** The bytes of each uploaded file part, in order. */
  uploads: Buffer[];
  /** Each job request's body as it arrived, with its Content-Type, in order. */
  bodies: Array<{ contentType: string; bytes: Buffer }>;
  /** Jobs whose caller went away before the answer was sent. */
  aborted: number;
  /** Request ids of the jobs answered 200 (after their delay, to a caller still there). */
  completed: string[];
  capabilities: FakeCapability[];
  /** `GET /info` requests received. */
  infoPolls: number;
  /** When set, `/info` answers 503 (the orchestrator looks down to a poller). */
  infoDown?: boolean;
  /** When set, `/info` answers this many ms late (an orchestrator whose host is busy). */
  infoDelayMs?: number;
  /**
   * When set, the capacity is real, as an orchestrator's: a job arriving while `capacity` jobs of its model run is
   * answered 503 `insufficient capacity` with `Retry-After: 1`, and `/info`'s `in_use` is the jobs running.
   */
  enforceCapacity?: boolean;
  /** Jobs refused for capacity (with `enforceCapacity`). */
  busyAnswers: number;
  /** When set, `GET /outputs/…` sends part of the output and then breaks the connection off. */
  brokenOutputs?: boolean;
  /** When set, `GET /outputs/…` answers a 302 to this URL. */
  outputRedirect?: string;
  /** The Content-Type `GET /outputs/…` answers with (default `image/png`). */
  outputType?: string;
  /**
   * When set, `GET /outputs/…` streams this many bytes as it is read, counted in `streamedBytes`, instead of the 1×1
   * PNG; `outputDeclared`: with its Content-Length (else chunked).
   */
  outputBytes?: number;
  outputDeclared?: boolean;
  /** When set, what `GET /outputs/…` answers instead of the 1×1 PNG. */
  outputBody?: Uint8Array<ArrayBuffer>;
  /** Bytes of streamed answers and outputs the fake has handed to its sockets so far. */
  streamedBytes: number;
  /** Job requests being answered now (all models), and the most there were at once. */
  inFlight: number;
  peakInFlight: number;
  close(): Promise<void>;
}

/** A chunk of base64-looking filler for streamed bodies. */
const FILLER = Buffer.alloc(64 * 1024, "A");

/**
 * `bytes` bytes, `head` first and then filler, made only as they are read (so `fake.streamedBytes` tells how much of
 * them the reader took before it hung up).
 */
/** The first bytes of an mp4: its `ftyp` box's size and type. */
const MP4_HEAD = Buffer.from("00000018667479706d703432", "hex");

/** The smallest "mp4" the broadcaster takes: an `ftyp` box's head and a few bytes. */
export const MP4_TINY = Buffer.concat([MP4_HEAD, Buffer.alloc(8)]);
/** The pipelines whose output is an mp4. */
const VIDEO_PIPELINES = new Set(["image-to-video", "video-upscale", "frame-interpolation"]);

function streamed(fake: FakeOrchestrator, head: Buffer, bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  let first: Buffer | undefined = head.length > 0 ? head : undefined;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const chunk = (first ?? FILLER).subarray(0, left);
      first = undefined;
      left -= chunk.length;
      fake.streamedBytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

/**
 * Starts a FAKE orchestrator.
 * @example const fake = await startFakeOrchestrator([{ pipeline: "upscale", model_id: "m" }]);
 */
export async function startFakeOrchestrator(capabilities: FakeCapability[]): Promise<FakeOrchestrator> {
  const app = new Hono();
  const fake = {
    jobs: [],
    uploads: [],
    bodies: [],
    completed: [],
    behaviour: { kind: "ok" },
    behaviourByModel: {},
    aborted: 0,
    outputGets: 0,
    busyAnswers: 0,
    infoPolls: 0,
    streamedBytes: 0,
    inFlight: 0,
    peakInFlight: 0,
    capabilities,
  } as unknown as FakeOrchestrator;
  /** Jobs running now, by pipeline and model. */
  const running = new Map<string, number>();
  const inUse = (cap: FakeCapability) =>
    fake.enforceCapacity ? (running.get(`${cap.pipeline}/${cap.model_id}`) ?? 0) : (cap.in_use ?? 0);
  app.get("/info", async (c) => {
    fake.infoPolls += 1;
    if (fake.infoDelayMs) await new Promise((r) => setTimeout(r, fake.infoDelayMs));
    return fake.infoDown
      ? c.json({ detail: { msg: "down" } }, 503)
      : c.json({
          version: "fake",
          hardware: [],
          capabilities: fake.capabilities.map((cap) => ({
            pipeline: cap.pipeline,
            model_id: cap.model_id,
            warm: cap.warm ?? true,
            capacity: cap.capacity ?? 4,
            in_use: inUse(cap),
            price: { price_per_unit: cap.price_per_unit ?? 0, pixels_per_unit: cap.pixels_per_unit ?? 1 },
          })),
        });
  });
  app.get("/outputs/:name", (c) => {
    fake.outputGets += 1;
    if (fake.brokenOutputs) {
      const socket = (c.env as { incoming: { socket: { destroy(): void } } }).incoming.socket;
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(PNG_1X1.subarray(0, 20));
          setTimeout(() => socket.destroy(), 50);
        },
      });
      return c.body(body, 200, { "content-type": "image/png", "content-length": String(PNG_1X1.length) });
    }
    if (fake.outputRedirect) return c.redirect(fake.outputRedirect, 302);
    const type = fake.outputType ?? (c.req.param("name").endsWith(".mp4") ? "video/mp4" : "image/png");
    if (fake.outputBytes !== undefined) {
      const headers: Record<string, string> = { "content-type": type };
      if (fake.outputDeclared) headers["content-length"] = String(fake.outputBytes);
      // Starting as files of the type do, so that only the size decides.
      const head = type === "video/mp4" ? MP4_HEAD : PNG_1X1.subarray(0, 8);
      return c.body(streamed(fake, head, fake.outputBytes), 200, headers);
    }
    return c.body(fake.outputBody ?? (type === "video/mp4" ? MP4_TINY : PNG_1X1), 200, { "content-type": type });
  });
  app.post("/:pipeline", async (c) => {
    const type = c.req.header("content-type") ?? "";
    const fields: Record<string, unknown> = {};
    const bytes = Buffer.from(await c.req.arrayBuffer());
    fake.bodies.push({ contentType: type, bytes });
    if (type.startsWith("application/json")) Object.assign(fields, JSON.parse(bytes.toString("utf8")));
    else {
      const form = await new Response(bytes, { headers: { "content-type": type } }).formData();
      for (const [k, v] of form.entries()) {
        if (typeof v !== "string") fake.uploads.push(Buffer.from(await v.arrayBuffer()));
        fields[k] = typeof v === "string" ? v : { file: v.size };
      }
    }
    fake.jobs.push({
      path: c.req.path,
      auth: c.req.header("authorization"),
      requestId: c.req.header("x-request-id"),
      delivery: c.req.header("x-media-delivery"),
      fields,
    });
    const key = `${c.req.path.slice(1)}/${String(fields.model_id)}`;
    const cap = fake.capabilities.find((x) => `${x.pipeline}/${x.model_id}` === key);
    if (fake.enforceCapacity && cap && (running.get(key) ?? 0) >= (cap.capacity ?? 4)) {
      fake.busyAnswers += 1;
      return c.json({ detail: { msg: "insufficient capacity" } }, 503, { "Retry-After": "1" });
    }
    running.set(key, (running.get(key) ?? 0) + 1);
    fake.inFlight += 1;
    fake.peakInFlight = Math.max(fake.peakInFlight, fake.inFlight);
    try {
      return await answer(c, fields);
    } finally {
      running.set(key, (running.get(key) ?? 1) - 1);
      fake.inFlight -= 1;
    }
  });
  const answer = async (c: Context, fields: Record<string, unknown>) => {
    const b = fake.behaviourByModel[String(fields.model_id)] ?? fake.behaviour;
    if (b.kind === "drop") {
      (c.env as { incoming: { socket: { destroy(): void } } }).incoming.socket.destroy();
      return new Response(null);
    }
    if (b.kind === "status") {
      return c.json(
        { detail: { msg: b.msg } },
        b.status as 400,
        b.retryAfter ? { "Retry-After": String(b.retryAfter) } : {},
      );
    }
    if (b.kind === "answer") return c.body(b.body, 200, { "content-type": b.type ?? "application/json" });
    if (b.kind === "stream") {
      const head = Buffer.from('{"images":[{"seed":1,"nsfw":false,"url":"data:image/png;base64,');
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (b.declared) headers["content-length"] = String(b.bytes);
      return c.body(streamed(fake, head, b.bytes), 200, headers);
    }
    if (b.delayMs) {
      const signal = c.req.raw.signal;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, b.delayMs);
        signal.addEventListener("abort", () => {
          clearTimeout(t);
          fake.aborted += 1;
          resolve();
        });
      });
    }
    if (!c.req.raw.signal.aborted) fake.completed.push(c.req.header("x-request-id") ?? "");
    const inline = b.inline || (b.honoursDelivery && c.req.header("x-media-delivery") === "data");
    // As a real orchestrator: an mp4 for the video pipelines, and as many outputs as the request asks for.
    const video = VIDEO_PIPELINES.has(c.req.path.slice(1));
    const url = inline
      ? video
        ? `data:video/mp4;base64,${MP4_TINY.toString("base64")}`
        : `data:image/png;base64,${PNG_1X1.toString("base64")}`
      : `${fake.url}/outputs/fakeoutput0000000.${video ? "mp4" : "png"}`;
    const n = Math.max(1, Number(fields.num_images_per_prompt ?? 1) || 1);
    const images = Array.from({ length: n }, () => ({ url, seed: 42, nsfw: false }));
    return c.json({ images }, 200, { "X-Media-Delivery": inline ? "data" : "url" });
  };
  let server: ServerType;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (i: AddressInfo) => resolve(i.port));
  });
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
