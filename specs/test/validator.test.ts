/** @module The server kit's request validator on real requests through a Hono app built from the runner and gateway specs. */

import { errorHandler, notFoundHandler, RequestValidator, typedRoutes } from "@ai-video-subnet/server-kit";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import type { operations as GatewayOps } from "../src/generated/gateway.js";
import type { operations as OrchestratorOps } from "../src/generated/orchestrator.js";
import type { operations as RunnerOps } from "../src/generated/runner.js";
import { loadSpec } from "../src/index.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function describeFile(v: unknown) {
  return v instanceof Blob ? { file: v.size } : v;
}

async function runnerApp() {
  const validator = await RequestValidator.create(await loadSpec("runner"), {
    maxMultipartBytes: 4096,
    maxJsonBytes: 2048,
  });
  const app = new Hono();
  app.onError(errorHandler());
  app.notFound(notFoundHandler(app));
  const route = typedRoutes<RunnerOps>(app, validator);
  route("genTextToImage", (body) => ({ images: [{ url: JSON.stringify(body), seed: body.seed ?? 0, nsfw: false }] }));
  route("genUpscale", (body) => ({
    images: [
      {
        url: JSON.stringify(Object.fromEntries(Object.entries(body).map(([k, v]) => [k, describeFile(v)]))),
        seed: 1,
        nsfw: false,
      },
    ],
  }));
  return app;
}

function echoed(json: { images: Array<{ url: string }> }) {
  return JSON.parse(json.images[0]!.url);
}

function form(fields: Record<string, string | Blob>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

describe("request validator", () => {
  let app: Hono;
  beforeAll(async () => {
    app = await runnerApp();
  });

  const postJson = (body: unknown) =>
    app.request("/text-to-image", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const postForm = (fields: Record<string, string | Blob>) =>
    app.request("/upscale", { method: "POST", body: form(fields) });

  it("accepts a valid JSON body and applies the spec's defaults", async () => {
    const res = await postJson({ prompt: "a cat", seed: 5 });
    expect(res.status).toBe(200);
    expect(echoed(await res.json())).toEqual({
      prompt: "a cat",
      seed: 5,
      model_id: "",
      loras: "",
      height: 576,
      width: 1024,
      guidance_scale: 7.5,
      negative_prompt: "",
      safety_check: true,
      num_inference_steps: 50,
      num_images_per_prompt: 1,
    });
  });

  it("accepts a valid multipart body and coerces text fields to their schema types", async () => {
    const res = await postForm({
      prompt: "x",
      image: new Blob([PNG]),
      seed: "576",
      safety_check: "false",
      num_inference_steps: " 20 ",
    });
    expect(res.status).toBe(200);
    expect(echoed(await res.json())).toEqual({
      prompt: "x",
      image: { file: PNG.length },
      seed: 576,
      safety_check: false,
      num_inference_steps: 20,
      model_id: "",
    });
  });

  it("coerces 'true' to true", async () => {
    const res = await postForm({ prompt: "x", image: new Blob([PNG]), safety_check: "true" });
    expect(echoed(await res.json()).safety_check).toBe(true);
  });

  it("drops fields the spec does not declare, as Livepeer does", async () => {
    const res = await postJson({ prompt: "a", extra: 1, __proto__x: "y" });
    expect(res.status).toBe(200);
    const body = echoed(await res.json());
    expect(body).not.toHaveProperty("extra");
    expect(body).not.toHaveProperty("__proto__x");
  });

  it("rejects a missing required file with 422", async () => {
    const res = await postForm({ prompt: "x" });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [{ loc: ["body", "image"], msg: "image is required", type: "missing" }],
    });
  });

  it("rejects a file field sent as text", async () => {
    const res = await postForm({ prompt: "x", image: "not a file" });
    expect(res.status).toBe(422);
    expect((await res.json()).detail).toEqual([
      { loc: ["body", "image"], msg: "image must be a file upload, got a text field", type: "file_type" },
    ]);
  });

  it("rejects a text field sent as a file", async () => {
    const res = await postForm({ prompt: new Blob(["x"]), image: new Blob([PNG]) });
    expect(res.status).toBe(422);
    expect((await res.json()).detail[0]).toMatchObject({ loc: ["body", "prompt"], type: "string_type" });
  });

  it("rejects wrong types, naming each field and what it must be", async () => {
    const res = await postJson({ prompt: 3, height: "576", safety_check: "yes", guidance_scale: [] });
    expect(res.status).toBe(422);
    const { detail } = await res.json();
    expect(detail).toEqual(
      expect.arrayContaining([
        { loc: ["body", "prompt"], msg: "prompt must be a string, got 3", type: "string_type" },
        { loc: ["body", "height"], msg: 'height must be an integer, got "576"', type: "int_type" },
        {
          loc: ["body", "safety_check"],
          msg: 'safety_check must be a boolean (true or false), got "yes"',
          type: "bool_type",
        },
        { loc: ["body", "guidance_scale"], msg: "guidance_scale must be a number, got []", type: "float_type" },
      ]),
    );
    expect(detail).toHaveLength(4);
  });

  it("rejects a multipart integer that does not parse", async () => {
    const res = await postForm({ prompt: "x", image: new Blob([PNG]), seed: "12abc" });
    expect(res.status).toBe(422);
    expect((await res.json()).detail).toEqual([
      { loc: ["body", "seed"], msg: 'seed must be an integer, got "12abc"', type: "int_type" },
    ]);
  });

  it("rejects oversize values with the allowed bound", async () => {
    const res = await postJson({ prompt: "a", height: 100000, num_images_per_prompt: 0, seed: -1 });
    expect(res.status).toBe(422);
    const { detail } = await res.json();
    expect(detail).toEqual(
      expect.arrayContaining([
        { loc: ["body", "height"], msg: "height must be ≤ 4096, got 100000", type: "less_than_equal" },
        {
          loc: ["body", "num_images_per_prompt"],
          msg: "num_images_per_prompt must be ≥ 1, got 0",
          type: "greater_than_equal",
        },
        { loc: ["body", "seed"], msg: "seed must be ≥ 0, got -1", type: "greater_than_equal" },
      ]),
    );
  });

  it("rejects a body over the size limit with 413", async () => {
    const res = await postForm({ prompt: "x", image: new Blob([new Uint8Array(10_000)]) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ detail: { msg: "request body is larger than the limit of 4096 bytes" } });
  });

  it("rejects malformed JSON and non-object JSON with 422", async () => {
    const bad = await postJson("{not json");
    expect(bad.status).toBe(422);
    expect((await bad.json()).detail[0]).toMatchObject({ loc: ["body"], type: "json_invalid" });
    const arr = await postJson("[1,2]");
    expect(arr.status).toBe(422);
    expect((await arr.json()).detail[0]).toEqual({
      loc: ["body"],
      msg: "body must be a JSON object, got [1,2]",
      type: "dict_type",
    });
  });

  it("rejects JSON nested deeper than 32 levels with 422 naming the limit, however deep", async () => {
    for (const depth of [33, 1000]) {
      for (const text of [
        "[".repeat(depth) + "]".repeat(depth),
        `{"prompt":${"[".repeat(depth)}${"]".repeat(depth)}}`,
      ]) {
        const res = await postJson(text);
        expect(res.status).toBe(422);
        expect((await res.json()).detail).toEqual([
          {
            loc: ["body"],
            msg: "body is nested more than 32 levels deep; at most 32 levels of objects and arrays are allowed",
            type: "json_too_deep",
          },
        ]);
      }
    }
    const ok = await postJson(`{"prompt":"a","extra":${"[".repeat(31)}${"]".repeat(31)}}`);
    expect(ok.status).toBe(200);
  });

  it("previews a wrong-typed nested value in at most 40 characters", async () => {
    const res = await postJson({ prompt: ["x".repeat(500), { a: "[".repeat(20) }] });
    expect(res.status).toBe(422);
    const [issue] = (await res.json()).detail;
    expect(issue).toMatchObject({ loc: ["body", "prompt"], type: "string_type" });
    expect(issue.msg).toBe(`prompt must be a string, got ["${"x".repeat(38)}…`);
  });

  it("rejects a compressed body with 415 naming the encoding", async () => {
    const res = await app.request("/text-to-image", {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: JSON.stringify({ prompt: "a" }),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      detail: { msg: 'Content-Encoding "gzip" is not supported; send the body unencoded (identity)' },
    });
    const identity = await app.request("/text-to-image", {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "identity" },
      body: JSON.stringify({ prompt: "a" }),
    });
    expect(identity.status).toBe(200);
  });

  it("rejects the wrong content type with 415", async () => {
    const res = await app.request("/upscale", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      detail: { msg: 'Content-Type must be multipart/form-data, got "application/json"' },
    });
  });

  it("rejects a duplicated multipart field", async () => {
    const f = form({ prompt: "x", image: new Blob([PNG]) });
    f.append("prompt", "y");
    const res = await app.request("/upscale", { method: "POST", body: f });
    expect(res.status).toBe(422);
    expect((await res.json()).detail).toEqual([
      { loc: ["body", "prompt"], msg: "prompt must be given once, got 2 times", type: "duplicate" },
    ]);
  });

  it("rejects a malformed multipart body with 400", async () => {
    const res = await app.request("/upscale", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=zzz" },
      body: "--zzz\r\ngarbage",
    });
    expect(res.status).toBe(400);
    expect((await res.json()).detail.msg).toMatch(/^malformed multipart\/form-data body/);
  });

  it("rejects an invalid X-Request-Id header", async () => {
    const res = await app.request("/text-to-image", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "a".repeat(200) },
      body: JSON.stringify({ prompt: "a" }),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).detail[0]).toMatchObject({ loc: ["header", "X-Request-Id"], type: "string_too_long" });
  });

  it("answers 404 in the error shape for a pipeline that is not mounted", async () => {
    const res = await app.request("/image-to-video", { method: "POST", body: form({ image: new Blob([PNG]) }) });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: { msg: "no route POST /image-to-video" } });
  });
});

describe("model_id at the gateway and the orchestrator", () => {
  /** An app of `spec`'s text-to-image route that answers the model_id its handler got (JSON-quoted). */
  async function echoModel(spec: "gateway" | "orchestrator") {
    const validator = await RequestValidator.create(await loadSpec(spec));
    const app = new Hono();
    app.onError(errorHandler());
    const route = typedRoutes<GatewayOps | OrchestratorOps>(app, validator);
    route("genTextToImage", (body) => ({ images: [{ url: JSON.stringify(body.model_id), seed: 0, nsfw: false }] }));
    return (body: object) =>
      app.request("/text-to-image", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
  }

  it("the gateway takes a request without one, filled in as the spec's empty default for the gateway to replace", async () => {
    const post = await echoModel("gateway");
    for (const body of [{ prompt: "a" }, { prompt: "a", model_id: "" }]) {
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(echoed(await res.json())).toBe("");
    }
  });

  it("the orchestrator requires it (the gateway always names the model it chose)", async () => {
    const res = await (await echoModel("orchestrator"))({ prompt: "a" });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [{ loc: ["body", "model_id"], msg: "model_id is required", type: "missing" }],
    });
  });
});

describe("an out-of-range seed in a 422, on each server's spec (runner, gateway, orchestrator)", () => {
  const TOO_LARGE = "99999999999999999";
  const bound = "seed must be ≤ 9007199254740991";

  /** An app of `spec`'s upscale (multipart) and text-to-image (JSON) routes; the handlers are never reached. */
  async function app(spec: "runner" | "gateway" | "orchestrator") {
    const validator = await RequestValidator.create(await loadSpec(spec));
    const a = new Hono();
    a.onError(errorHandler());
    const route = typedRoutes<RunnerOps | GatewayOps | OrchestratorOps>(a, validator);
    route("genUpscale", () => ({ images: [] }));
    route("genTextToImage", () => ({ images: [] }));
    return a;
  }
  const seedMessage = async (res: Response) => {
    expect(res.status).toBe(422);
    const { detail } = await res.json();
    return detail.find((i: { loc: string[] }) => i.loc[1] === "seed")?.msg;
  };

  it.each(["runner", "gateway", "orchestrator"] as const)(
    "%s: quotes a form field's text, not the number it was read as",
    async (spec) => {
      const fields = { prompt: "a", model_id: "m", image: new Blob([PNG]), seed: TOO_LARGE };
      const res = await (await app(spec)).request("/upscale", { method: "POST", body: form(fields) });
      expect(await seedMessage(res)).toBe(`${bound}, got ${TOO_LARGE}`);
    },
  );

  it.each(["runner", "gateway", "orchestrator"] as const)(
    "%s: gives a JSON number JSON.parse rounded as roughly that, not as digits",
    async (spec) => {
      const res = await (await app(spec)).request("/text-to-image", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"prompt":"a","model_id":"m","seed":${TOO_LARGE}}`,
      });
      expect(await seedMessage(res)).toBe(`${bound}, got about 1e+17 (a JSON number this large is rounded when read)`);
    },
  );
});
