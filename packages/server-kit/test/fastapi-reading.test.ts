/**
 * @module Bodies are read as FastAPI reads them, which Livepeer's runner is built on, so requests made for it work
 * here: an empty optional form field is one not sent (its default), whichever multipart reader runs; a JSON body is
 * read with no Content-Type or with an `application/…+json` one. Other types stay a 415.
 */
import { describe, expect, it } from "vitest";
import type { OpenApiDocument } from "../src/openapi.js";
import { validatorApp } from "./validator-app.js";

const FIELDS = {
  type: "object",
  required: ["prompt", "steps"],
  properties: {
    prompt: { type: "string" },
    steps: { type: "integer", minimum: 1 },
    seed: { type: "integer", minimum: 0 },
    safety_check: { type: "boolean", default: true },
    negative_prompt: { type: "string", default: "" },
    fps: { type: "integer", default: 6 },
  },
};

const document = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: Object.fromEntries(
    ["multipart/form-data", "application/json"].map((type) => [
      type === "application/json" ? "/json" : "/form",
      {
        post: {
          operationId: type === "application/json" ? "json" : "form",
          requestBody: { content: { [type]: { schema: FIELDS } } },
          responses: {},
        },
      },
    ]),
  ),
} as unknown as OpenApiDocument;

function app(keepMultipart: boolean) {
  return validatorApp(document, ["form", "json"], keepMultipart, (body) => body);
}

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

describe.each([
  ["the platform's parser", false],
  ["keepMultipart", true],
])("an empty form field (%s)", (_, keep) => {
  it("is not sent when optional: the field takes its default, or stays unset", async () => {
    const body = form({ prompt: "a cat", steps: "2", seed: "", safety_check: "", negative_prompt: "", fps: "" });
    const res = await (await app(keep)).request("/form", { method: "POST", body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ prompt: "a cat", steps: 2, safety_check: true, negative_prompt: "", fps: 6 });
  });

  it("is what was sent when required: an empty prompt is kept, an empty count is refused", async () => {
    const res = await (await app(keep)).request("/form", { method: "POST", body: form({ prompt: "", steps: "" }) });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [{ loc: ["body", "steps"], msg: 'steps must be an integer, got ""', type: "int_type" }],
    });
    const kept = await (await app(keep)).request("/form", { method: "POST", body: form({ prompt: "", steps: "1" }) });
    expect(await kept.json()).toMatchObject({ prompt: "", steps: 1 });
  });

  it("still counts as given: an empty field sent twice is one duplicate", async () => {
    const body = form({ prompt: "x", steps: "1", seed: "" });
    body.append("seed", "");
    const res = await (await app(keep)).request("/form", { method: "POST", body });
    expect(res.status).toBe(422);
    expect((await res.json()).detail[0]).toMatchObject({ loc: ["body", "seed"], type: "duplicate" });
  });
});

describe("a JSON body's Content-Type", () => {
  const json = JSON.stringify({ prompt: "a cat", steps: 3 });
  it.each([
    ["none", undefined],
    ["application/json; charset=utf-8", "application/json; charset=utf-8"],
    ["application/vnd.api+json", "application/vnd.api+json"],
    ["APPLICATION/LD+JSON", "APPLICATION/LD+JSON"],
  ])("is read as JSON with %s", async (_, type) => {
    const headers: Record<string, string> = type ? { "content-type": type } : {};
    // A string body would get text/plain from the platform: bytes carry no type of their own.
    const res = await (await app(false)).request("/json", {
      method: "POST",
      headers,
      body: new TextEncoder().encode(json),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ prompt: "a cat", steps: 3, fps: 6 });
  });

  it.each([
    ["text/plain", "/json", 'Content-Type must be application/json, got "text/plain"'],
    ["application/x-www-form-urlencoded", "/json", "Content-Type must be application/json"],
    ["application/json+xml", "/json", "Content-Type must be application/json"],
    ["none", "/form", "Content-Type must be multipart/form-data, got none"],
    ["application/vnd.api+json", "/form", "Content-Type must be multipart/form-data"],
  ])("is a 415 with %s on %s", async (type, path, message) => {
    const headers: Record<string, string> = type === "none" ? {} : { "content-type": type };
    const res = await (await app(false)).request(path, {
      method: "POST",
      headers,
      body: new TextEncoder().encode(json),
    });
    expect(res.status).toBe(415);
    expect((await res.json()).detail.msg).toContain(message);
  });
});
