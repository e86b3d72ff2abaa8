/** @module Reading a `text/event-stream` response into events, for the progress tests. */
import { expect } from "vitest";

/** One parsed server-sent event (`data` parsed as JSON). */
export interface SseEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

/**
 * Parses events as they arrive, calling `onEvent` for each, and resolves with all of them when the stream closes.
 * @example const events = await readEvents(await fetch(`${url}/progress/job-1`));
 */
export async function readEvents(res: Response, onEvent: (e: SseEvent) => void = () => {}): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf("\n\n");
      const fields = Object.fromEntries(
        block
          .split("\n")
          .filter((line) => !line.startsWith(":"))
          .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]),
      );
      if (!fields.event) continue;
      const e = { id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data ?? "null") };
      events.push(e);
      onEvent(e);
    }
  }
  return events;
}

/**
 * Sends a job (`fetch` of `url` with `init`) while `subscribed`, the job's progress stream, is read, and hangs up the
 * job's request once the stream reports step `atStep`. Resolves with the events the subscriber saw, after checking
 * that the job's request failed (it was cut) and that the stream ended with `end`.
 * @example const seen = await hangUpAtStep(subscribed, `${url}/video-upscale`, { method: "POST", body: form });
 */
export async function hangUpAtStep(
  subscribed: Promise<Response>,
  url: string,
  init: RequestInit,
  atStep = 3,
): Promise<SseEvent[]> {
  const client = new AbortController();
  const answer = fetch(url, { ...init, signal: client.signal }).catch((err: Error) => err);
  const events = readEvents(await subscribed, (e) => {
    if (e.event === "progress" && Number(e.data.step) >= atStep) client.abort();
  });
  expect(await answer).toBeInstanceOf(Error);
  const seen = await events;
  expect(seen.at(-1)?.event).toBe("end");
  return seen;
}
