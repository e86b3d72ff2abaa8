/**
 * @module Loopback tests of the SDK against the real stack: `createBroadcaster` in front of an orchestrator that runs
 * real `avs-runner` processes on the tiny ESRGAN and SD-Turbo models. Success of each pipeline the runner serves,
 * every error class the gateway produces, retries after `Retry-After`, timeout and abort.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  createClient,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../src/index.js";
import { collectGarbage } from "./collect-garbage.js";
import { installModels, png, pngSize, SD, startGateway, startOrchestrator, tempDir, UPSCALER } from "./stack.js";

const KEY = "sk-test";
const tmp = tempDir("loopback");
let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  const models = installModels(tmp.dir, [UPSCALER, SD]);
  orchestrator = await startOrchestrator(models, [
    { pipeline: "upscale", model_id: UPSCALER },
    { pipeline: "text-to-image", model_id: SD },
    { pipeline: "image-to-image", model_id: SD },
  ]);
  gateway = await startGateway({
    orchestrators: [orchestrator.url],
    apiKeys: [KEY],
    defaultModels: { upscale: UPSCALER },
  });
  // The broadcaster learns capabilities from /info; wait until a job can be placed.
  const client = createClient({ baseUrl: gateway.url, apiKey: KEY });
  for (let i = 0; i < 50; i++) {
    const ok = await client.upscale({ modelId: UPSCALER, prompt: "", image: png(4, 4) }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  await gateway?.stop();
  await orchestrator?.stop();
  tmp.cleanup();
});

const client = () => createClient({ baseUrl: gateway.url, apiKey: KEY });

describe("success", () => {
  it("upscales bytes ×4 and downloads the result", async () => {
    const { images } = await client().upscale({ modelId: UPSCALER, prompt: "", image: png(8, 6), seed: 11 });
    expect(images).toHaveLength(1);
    expect(images[0]!.seed).toBe(11);
    expect(images[0]!.url.startsWith(`${gateway.url}/outputs/`)).toBe(true);
    expect(pngSize(await client().download(images[0]!))).toEqual({ width: 32, height: 24 });
  });

  it("runs the gateway's default model when modelId is left out, as Livepeer's client does", async () => {
    const { images } = await client().upscale({ prompt: "", image: png(4, 3) });
    expect(pngSize(await client().download(images[0]!))).toEqual({ width: 16, height: 12 });
  });

  it("generates images from text, two per prompt with seeds seed and seed + 1", async () => {
    const { images } = await client().textToImage({
      modelId: SD,
      prompt: "a lighthouse at dawn",
      width: 64,
      height: 48,
      numInferenceSteps: 1,
      numImagesPerPrompt: 2,
      seed: 100,
    });
    expect(images.map((m) => m.seed)).toEqual([100, 101]);
    expect(pngSize(await client().download(images[1]!))).toEqual({ width: 64, height: 48 });
  });

  it("transforms an uploaded Blob guided by a prompt, keeping its size", async () => {
    const { images } = await client().imageToImage({
      modelId: SD,
      prompt: "make it winter",
      image: new Blob([png(32, 24)], { type: "image/png" }),
      strength: 0.5,
      numInferenceSteps: 2,
      seed: 4,
    });
    expect(images[0]!.seed).toBe(4);
    expect(pngSize(await client().download(images[0]!))).toEqual({ width: 32, height: 24 });
  });

  it("sends image-to-video through the same multipart path (no orchestrator offers it here: 400)", async () => {
    const err = await client()
      .imageToVideo({ modelId: "tiny/svd", image: png(8, 8), fps: 6 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe(
      '[POST] /image-to-video: 400 Bad Request — model_id "tiny/svd" is not offered for image-to-video by any orchestrator; no model is offered for it',
    );
    expect(err.attempts).toBe(1);
  });

  it("uploads from a file path and from a stream", async () => {
    const path = join(tmp.dir, "input.png");
    writeFileSync(path, png(5, 7));
    const fromPath = await client().upscale({ modelId: UPSCALER, prompt: "", image: path });
    expect(pngSize(await client().download(fromPath.images[0]!))).toEqual({ width: 20, height: 28 });
    const fromStream = await client().upscale({ modelId: UPSCALER, prompt: "", image: new Blob([png(3, 2)]).stream() });
    expect(pngSize(await client().download(fromStream.images[0]!))).toEqual({ width: 12, height: 8 });
  });

  it("keeps the raw openapi-fetch client usable, errors as data", async () => {
    const { data } = await client().raw.GET("/health");
    expect(data).toEqual({ status: "OK" });
    const { error, response } = await client().raw.POST("/text-to-image", { body: { model_id: "", prompt: "" } });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({
      // An empty model_id is the gateway's default, which no orchestrator here offers.
      detail: {
        msg: expect.stringMatching(
          /^model_id "stabilityai\/sdxl-turbo" \(this gateway's default for text-to-image: the request named no model\) is not offered/,
        ),
      },
    });
  });
});

describe("errors", () => {
  const upscale = (image: Uint8Array, extra: object = {}, apiKey = KEY) =>
    createClient({ baseUrl: gateway.url, apiKey })
      .upscale({ modelId: UPSCALER, prompt: "", image, ...extra })
      .then(
        () => expect.unreachable("the call should fail"),
        (err: Error) => err,
      );

  it("401 → AuthenticationError", async () => {
    const err = await upscale(png(4, 4), {}, "wrong");
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe("[POST] /upscale: 401 Unauthorized — invalid API key");
  });

  it("400 → BadRequestError: height must be a multiple of 8", async () => {
    const err = await client()
      .textToImage({ modelId: SD, prompt: "p", width: 64, height: 60, numInferenceSteps: 1 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe(
      "[POST] /text-to-image: 400 Bad Request — Height and width must be divisible by 8, got height 60 and width 64",
    );
  });

  it("400 → BadRequestError with the runner's reason for an undecodable image", async () => {
    const err = await upscale(png(8, 8).slice(0, 40));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/^\[POST\] \/upscale: 400 Bad Request — image looks like PNG but could not be decoded/);
  });

  it("413 → PayloadTooLargeError", async () => {
    // A gateway of its own: after an early 413 the broadcaster keeps the connection alive with the rest of the
    // upload unread, then drops it, so the next request on that pooled socket would fail (reported to its owner).
    const small = await startGateway({ orchestrators: [orchestrator.url], maxUploadBytes: 100_000 });
    try {
      const err = await createClient({ baseUrl: small.url })
        .upscale({ modelId: UPSCALER, prompt: "", image: new Uint8Array(150_000) })
        .catch((e) => e);
      expect(err).toBeInstanceOf(PayloadTooLargeError);
      expect(err.message).toMatch(
        /^\[POST\] \/upscale: 413 .+ — request body is larger than the limit of 100000 bytes for \/upscale$/,
      );
    } finally {
      await small.stop();
    }
  });

  it("415 → UnsupportedMediaTypeError", async () => {
    const err = await upscale(new TextEncoder().encode("hello"));
    expect(err).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(err.message).toMatch(/415 Unsupported Media Type — image must be a PNG, JPEG or WebP file/);
  });

  it("422 → ValidationError with the issues", async () => {
    const err = (await upscale(png(4, 4), { numInferenceSteps: -3 })) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([
      {
        loc: ["body", "num_inference_steps"],
        msg: "num_inference_steps must be ≥ 1, got -3",
        type: "greater_than_equal",
      },
    ]);
    expect(err.message).toBe(
      "[POST] /upscale: 422 Unprocessable Entity — body.num_inference_steps: num_inference_steps must be ≥ 1, got -3",
    );
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("422 → ValidationError at model_id, saying how to set a default, on a pipeline the gateway has none for", async () => {
    const err = await client()
      .videoUpscale({ video: new Uint8Array(1000) })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([
      {
        loc: ["body", "model_id"],
        msg: "model_id is required: this gateway has no default model for video-upscale (its operator can set one with --default-model video-upscale=<model_id>)",
        type: "missing",
      },
    ]);
  });

  it("503 → ServiceUnavailableError with Retry-After, not retried without a seed", async () => {
    // A gateway whose only orchestrator is down: nothing can run the job now.
    const down = await startGateway({ orchestrators: ["http://127.0.0.1:9"] });
    const started = Date.now();
    const err = await createClient({ baseUrl: down.url })
      .upscale({ modelId: UPSCALER, prompt: "", image: png(4, 4) }, { requestId: "sdk-test-503" })
      .catch((e) => e);
    await down.stop();
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(err.attempts).toBe(1);
    expect(err.requestId).toBe("sdk-test-503");
    expect(Date.now() - started).toBeLessThan(err.retryAfterMs);
  });

  it("404 → NotFoundError for an unknown output", async () => {
    const err = await client()
      .download(`/outputs/${"a".repeat(32)}.png`)
      .catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toMatch(/: 404 Not Found — no output a{32}\.png/);
  });

  it("no server → ConnectionError", async () => {
    const stopped = await startGateway({ orchestrators: [orchestrator.url] });
    await stopped.stop();
    const err = await createClient({ baseUrl: stopped.url, retries: 0 })
      .upscale({ modelId: UPSCALER, prompt: "", image: png(4, 4), seed: 1 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/^\[POST\] \/upscale: connection failed — fetch failed \(ECONNREFUSED\)$/);
  });
});

describe("rate limits and retries", () => {
  let limited: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    limited = await startGateway({ orchestrators: [orchestrator.url], rateLimit: 60 });
  });
  afterAll(() => limited?.stop());

  // 60 per minute = a bucket of 60 that refills one per second; spend it with cheap requests the limiter counts.
  const drain = () =>
    Promise.all(
      Array.from({ length: 60 }, () => fetch(`${limited.url}/upscale`, { method: "POST" }).then((r) => r.text())),
    );

  it("429 → RateLimitError when not retried; waits for Retry-After and succeeds when retried", async () => {
    const c = createClient({ baseUrl: limited.url });
    await drain();
    const err = await c.upscale({ modelId: UPSCALER, prompt: "", image: png(4, 4) }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toBe("[POST] /upscale: 429 Too Many Requests — rate limit of 60 requests per minute exceeded");
    expect(err.retryAfterMs).toBe(1000);

    await drain();
    const started = Date.now();
    const { images } = await c.upscale({ modelId: UPSCALER, prompt: "", image: png(4, 4), seed: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(images[0]!.seed).toBe(3);
  });
});

describe("timeouts and aborts", () => {
  // About 2 s of work for the tiny model on this machine: far longer than the 50 ms the tests wait.
  const big = png(768, 768);

  it("TimeoutError when the job takes longer than timeoutMs, also after a garbage collection during the job", async () => {
    const started = Date.now();
    const call = client()
      .upscale({ modelId: UPSCALER, prompt: "", image: big }, { timeoutMs: 50 })
      .catch((e) => e);
    // A collection while the job runs once cut the deadline off from the fetch (nodejs/undici#4068): the call then
    // waited for the whole job and resolved with its images.
    await new Promise((resolve) => setTimeout(resolve, 10));
    collectGarbage();
    const err = await call;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("[POST] /upscale: timed out after 50 ms");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("AbortError when the caller aborts while the job runs", async () => {
    const ac = new AbortController();
    // Abort right after the request is handed to fetch: deterministic, unlike a timer racing a loaded machine.
    const c = createClient({
      baseUrl: gateway.url,
      apiKey: KEY,
      fetch: (request) => {
        const response = fetch(request);
        setImmediate(() => ac.abort(new Error("user navigated away")));
        return response;
      },
    });
    const err = await c.upscale({ modelId: UPSCALER, prompt: "", image: big }, { signal: ac.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err.message).toBe("[POST] /upscale: aborted");
    expect(err.cause.message).toBe("user navigated away");
  });

  it("AbortError without sending anything when the signal has already fired", async () => {
    const err = await client()
      .upscale({ modelId: UPSCALER, prompt: "", image: big }, { signal: AbortSignal.abort(new Error("too late")) })
      .catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err.cause.message).toBe("too late");
  });
});
