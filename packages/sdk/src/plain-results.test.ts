/**
 * What a pipeline method (`upscale()`, `textToImage()`, …) resolves with, against a scripted server on 127.0.0.1: a
 * result, never a job. A `Prefer: respond-async` header, which asks the gateway for a job, is refused before sending
 * (jobs are `client.submit`'s), a 202 is a MalformedResponseError, and so is a result whose media have no url string.
 */
import { describe, expect, it } from "vitest";
import { json, OK, PNG, scriptedServers } from "../test/scripted-server.js";
import { createClient } from "./client.js";
import { InvalidInputError, MalformedResponseError } from "./errors.js";

const serve = scriptedServers();
const QUEUED = { id: "job_AAAAAAAAAAAAAAAAAAAAAA", status: "queued", pipeline: "upscale", request_id: "r1" };

describe("a pipeline method resolves with a result, never a job", () => {
  it("refuses Prefer: respond-async, from the client's headers or the call's, before sending", async () => {
    const server = await serve(json(202, QUEUED));
    const client = createClient({ baseUrl: server.url, headers: { Prefer: "respond-async" } });
    const fromClient = await client.upscale({ prompt: "", image: PNG }).catch((e) => e);
    expect(fromClient).toBeInstanceOf(InvalidInputError);
    expect(fromClient.message).toBe(
      '[POST] /upscale: invalid input — upscale() waits for its result: for Prefer: respond-async use client.submit("upscale", options)',
    );
    const plain = createClient({ baseUrl: server.url });
    const fromCall = await plain
      .textToImage({ prompt: "p" }, { headers: [["prefer", "wait=10, Respond-Async"]] })
      .catch((e) => e);
    expect(fromCall).toBeInstanceOf(InvalidInputError);
    expect(fromCall.message).toMatch(
      /textToImage\(\) waits for its result: .* client\.submit\("textToImage", options\)$/,
    );
    expect(server.received).toHaveLength(0);
    // submit sends the preference itself, whatever the client's headers hold.
    expect((await client.submit("upscale", { prompt: "", image: PNG })).id).toBe(QUEUED.id);
  });

  it("rejects a 202 with a MalformedResponseError rather than resolving with the job record", async () => {
    const server = await serve(json(202, QUEUED));
    const err = await createClient({ baseUrl: server.url })
      .upscale({ prompt: "", image: PNG })
      .catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.status).toBe(202);
    expect(err.message).toMatch(
      /^\[POST\] \/upscale: malformed answer — expected a JSON object with an images array of objects with a url string, got 202 \(application\/json\) with body "\{\\"id\\":\\"job_A{22}\\"/,
    );
  });

  it("rejects a result whose media are not objects with a url string, item by item", async () => {
    const bad = [[{ url: 5 }], [null], ["x"], [OK.images[0], {}]];
    const server = await serve(...bad.map((images) => json(200, { images })), json(200, OK));
    const client = createClient({ baseUrl: server.url });
    for (const images of bad) {
      const err = await client.textToImage({ prompt: "p" }).catch((e) => e);
      expect(err).toBeInstanceOf(MalformedResponseError);
      expect(err.message).toBe(
        `[POST] /text-to-image: malformed answer — expected a JSON object with an images array of objects with a url string, got 200 (application/json) with body ${JSON.stringify(JSON.stringify({ images }))}`,
      );
    }
    expect(await client.textToImage({ prompt: "p" })).toEqual(OK);
  });
});
