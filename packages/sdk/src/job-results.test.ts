/**
 * A job's result is checked as a synchronous call's answer is, against a scripted server on 127.0.0.1: a succeeded
 * job without a result, or with one that is not `{ images: [{ url }] }`, and a `result` event that holds no ended job
 * are MalformedResponseErrors — `wait()` neither resolves with them nor reports a failure of "job undefined".
 */
import { describe, expect, it } from "vitest";
import { json, type Step, scriptedServers } from "../test/scripted-server.js";
import { createClient } from "./client.js";
import { MalformedResponseError } from "./errors.js";

const ID = "job_AAAAAAAAAAAAAAAAAAAAAA";
const job = (extra: object) => ({
  id: ID,
  status: "succeeded",
  pipeline: "image-to-video",
  model_id: "m",
  request_id: "r1",
  created_at: "2025-06-01T12:00:00.000Z",
  progress: { fraction: 1 },
  cancel_requested: false,
  ...extra,
});
const SHAPE = "a JSON object with an images array of objects with a url string";

/** An event stream of one `result` event holding `data`. */
const result =
  (data: unknown): Step =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(`id: 2\nevent: result\ndata: ${JSON.stringify(data)}\n\n`);
  };

const serve = scriptedServers();

/** What `wait()` on the job at `server` settles with: its result, or the error. */
async function waited(step: Step): Promise<unknown> {
  const server = await serve(step);
  return createClient({ baseUrl: server.url })
    .job(ID)
    .wait()
    .catch((e) => e);
}

describe("job results", () => {
  it("rejects a succeeded job's result event without a result, or with one of no url strings", async () => {
    for (const extra of [{}, { result: { images: "nope" } }, { result: { images: [{ url: 5 }] } }]) {
      const data = job(extra);
      const err = (await waited(result(data))) as MalformedResponseError;
      expect(err).toBeInstanceOf(MalformedResponseError);
      expect(err.message).toBe(
        `[GET] /jobs/${ID}/events: malformed answer — expected a succeeded job whose result is ${SHAPE}, got 200 (text/event-stream) with body ${JSON.stringify(`${JSON.stringify(data).slice(0, 100)}…`)}`,
      );
    }
  });

  it("rejects a result event that holds no job that ended, rather than a failure of job undefined", async () => {
    const err = (await waited(result({}))) as MalformedResponseError;
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toBe(
      `[GET] /jobs/${ID}/events: malformed answer — expected a job that ended (succeeded, failed or cancelled), got 200 (text/event-stream) with body "{}"`,
    );
  });

  it("rejects a job read (refresh) that succeeded without a result", async () => {
    const server = await serve(json(200, job({ result: {} })));
    const err = await createClient({ baseUrl: server.url })
      .job(ID)
      .refresh()
      .catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toMatch(
      new RegExp(
        `^\\[GET\\] /jobs/${ID}: malformed answer — expected a succeeded job whose result is ${SHAPE}, got 200`,
      ),
    );
  });
});
