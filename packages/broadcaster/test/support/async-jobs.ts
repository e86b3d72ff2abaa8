/**
 * @module Test helpers for asynchronous jobs: submit with `Prefer: respond-async`, poll a job to its end, read its
 * Server-Sent Events (parsed as the WHATWG spec says, from a plain fetch body), and a webhook receiver that
 * records every delivery and can be told to fail the first N.
 */
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import type { components } from "../../src/generated/gateway.js";

/** The spec's Job. */
export type ApiJob = components["schemas"]["Job"];

/** POSTs a JSON text-to-image job asking for the asynchronous form. */
export function submitAsync(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${url}/text-to-image`, {
    method: "POST",
    headers: { "content-type": "application/json", prefer: "respond-async", ...headers },
    body: JSON.stringify(body),
  });
}

/** GET /jobs/{id} until its status is final (or `until` says stop); throws after `timeoutMs`. */
export async function waitForJob(
  url: string,
  id: string,
  options: { headers?: Record<string, string>; timeoutMs?: number; until?: (job: ApiJob) => boolean } = {},
): Promise<ApiJob> {
  const until = options.until ?? ((j) => ["succeeded", "failed", "cancelled"].includes(j.status));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const res = await fetch(`${url}/jobs/${id}`, { headers: options.headers });
    if (res.status !== 200) throw new Error(`GET /jobs/${id}: HTTP ${res.status} ${await res.text()}`);
    const job = (await res.json()) as ApiJob;
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${options.timeoutMs ?? 20_000} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One Server-Sent Event. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads `GET /jobs/{id}/events` to its end (or until `stopAfter` events), parsing fields line by line.
 * @example const events = await readEvents(url, id, { lastEventId: "2" });
 */
export async function readEvents(
  url: string,
  id: string,
  options: { headers?: Record<string, string>; lastEventId?: string; stopAfter?: number } = {},
): Promise<{ status: number; events: SseEvent[]; contentType: string | null }> {
  const headers: Record<string, string> = { accept: "text/event-stream", ...options.headers };
  if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
  const res = await fetch(`${url}/jobs/${id}/events`, { headers });
  const contentType = res.headers.get("content-type");
  if (res.status !== 200) return { status: res.status, events: [], contentType };
  const events: SseEvent[] = [];
  for await (const e of sseEvents(res)) {
    events.push(e);
    if (options.stopAfter !== undefined && events.length >= options.stopAfter) break;
  }
  return { status: res.status, events, contentType };
}

/**
 * The events of an event-stream response, as they arrive (breaking out of the loop cancels the body).
 * @example for await (const e of sseEvents(res)) console.log(e.event);
 */
export async function* sseEvents(res: Response): AsyncGenerator<SseEvent> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  let current: Partial<SseEvent> = {};
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, "");
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf("\n");
        if (line === "") {
          if (current.data !== undefined)
            yield { id: current.id, event: current.event ?? "message", data: current.data };
          current = {};
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") current.data = current.data === undefined ? value : `${current.data}\n${value}`;
        else if (field === "id") current.id = value;
        else if (field === "event") current.event = value;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** A delivery a receiver got. */
export interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number;
}

/** A webhook receiver on 127.0.0.1: records every POST and answers `failFirst` of them with `failStatus`. */
export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** Deliveries that were answered 2xx. */
  accepted(): Received[];
  close(): Promise<void>;
}

/**
 * Starts a webhook receiver.
 * @example const hook = await startWebhookReceiver({ failFirst: 3 });
 */
export async function startWebhookReceiver(
  options: { failFirst?: number; failStatus?: number } = {},
): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const app = new Hono();
  app.post("/hook", async (c) => {
    const body = await c.req.text();
    const answered = received.length < (options.failFirst ?? 0) ? (options.failStatus ?? 500) : 204;
    received.push({ headers: Object.fromEntries(c.req.raw.headers), body, answered });
    return answered === 204 ? c.body(null, 204) : c.text("not now", answered as 500);
  });
  let server: ServerType;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (i: AddressInfo) => resolve(i.port));
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    accepted: () => received.filter((r) => r.answered < 300),
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A webhook receiver that takes connections and never answers (see {@link startBlackHole}). */
export interface BlackHole {
  url: string;
  /** Connections taken so far. */
  taken(): number;
  close(): Promise<void>;
}

/**
 * Starts a receiver that accepts connections at `/hook` and never answers: each attempt waits out its time limit.
 * @example const hole = await startBlackHole(); await submitAsync(url, job, { "webhook-url": hole.url });
 */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let taken = 0;
  const server = createNetServer((s) => {
    taken++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    taken: () => taken,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
