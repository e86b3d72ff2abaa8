/**
 * @module What the broadcaster accepts of an orchestrator's answer, against FAKE orchestrators (real HTTP servers on
 * 127.0.0.1): output URLs off the orchestrator's own origin only to allowed addresses (another loopback server is
 * never asked; a host name is checked on what it resolves to, by a resolver the test gives), only image/png and
 * video/mp4 outputs, and caps on the answer's bytes, its outputs' number and each output's bytes, enforced while
 * reading. A refused answer fails that attempt as a bad one: the job goes to another orchestrator and the pipeline
 * and model are held back on the first. The first orchestrator is warm and the second cold, so the first is tried
 * first.
 */
import { readdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/cli-config.js";
import { outputsAllowed } from "../src/jobs/outputs.js";
import { acceptedExtension, hasSignature } from "../src/outputs/store.js";
import { startBroadcaster, type TestBroadcaster, textToImage } from "./support/broadcaster.js";
import { type FakeOrchestrator, PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = "tiny/sd";
const JOB = { model_id: MODEL, prompt: "a lighthouse", width: 64, height: 64, num_inference_steps: 1 };
const MB = 1024 * 1024;

let open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.map((x) => x.close()));
  open = [];
});

/** A server that is not an orchestrator (an internal service): counts what reaches it, answers a 1×1 PNG. */
async function internalService(): Promise<{ url: string; port: number; requests: http.IncomingHttpHeaders[] }> {
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    res.setHeader("content-type", "image/png");
    res.end(PNG_1X1);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, requests };
}

/** Orchestrator `a` (warm, tried first) and `b` (cold, a normal one), and a broadcaster in front of both. */
async function setup(options: Parameters<typeof startBroadcaster>[0] = {}) {
  const a = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL, warm: true }]);
  const b = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL, warm: false }]);
  open.push(a, b);
  const t = await startBroadcaster({ orchestrators: [a.url, b.url], ...options });
  open.unshift(t);
  return { a, b, t };
}

/** A 200 answer naming these output URLs. */
function answerWith(...urls: string[]) {
  return {
    kind: "answer" as const,
    body: JSON.stringify({ images: urls.map((url) => ({ url, seed: 7, nsfw: false })) }),
  };
}

/** The one "attempt failed" line about `o`. */
function failure(t: TestBroadcaster, o: FakeOrchestrator) {
  const lines = t.logs.filter((l) => l.msg === "attempt failed; orchestrator held back" && l.orchestrator === o.url);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

/**
 * Runs the job; expects it served by `b` (the 1×1 PNG it stores), `a` tried once and held back for this model (or,
 * with `held`, as that says).
 */
async function servedByTheOther(
  t: TestBroadcaster,
  a: FakeOrchestrator,
  b: FakeOrchestrator,
  body: Record<string, unknown> = JOB,
  held = `text-to-image/${MODEL}`,
) {
  const res = await textToImage(t.url, body);
  expect(res.status).toBe(200);
  const { images } = (await res.json()) as { images: Array<{ url: string; seed: number }> };
  expect(images).toHaveLength(1);
  expect(images[0]!.seed).toBe(42);
  const out = await fetch(images[0]!.url);
  expect(Buffer.from(await out.arrayBuffer()).equals(PNG_1X1)).toBe(true);
  expect([a.jobs.length, b.jobs.length]).toEqual([1, 1]);
  const line = failure(t, a);
  expect(line.held).toBe(held);
  return String(line.reason);
}

describe("output URLs", () => {
  it("refuses one on another loopback server without asking it; another orchestrator serves the job", async () => {
    const internal = await internalService();
    const { a, b, t } = await setup();
    a.behaviour = answerWith(`${internal.url}/metrics`);
    const reason = await servedByTheOther(t, a, b);
    expect(reason).toBe(
      `output refused: 127.0.0.1:${internal.port} is not the orchestrator's origin and 127.0.0.1 is a loopback address; outputs off it are fetched from public addresses only, unless the gateway's operator allows a network with output-allow-networks`,
    );
    expect(internal.requests).toHaveLength(0);
  });

  it.each([
    ["file:///etc/passwd", "output refused: a file: URL; outputs come as http(s) URLs or inline as data: URLs"],
    ["http://169.254.169.254/latest/meta-data/", "output refused: 169.254.169.254 is not the orchestrator's origin"],
    ["http://[::ffff:7f00:1]:9/x.png", "output refused: [::ffff:7f00:1]:9 is not the orchestrator's origin"],
  ])("refuses %s", async (url, why) => {
    const { a, b, t } = await setup();
    a.behaviour = answerWith(url);
    expect(await servedByTheOther(t, a, b)).toContain(why);
  });

  it("refuses a public-looking host name that resolves to private or loopback addresses, before connecting", async () => {
    const internal = await internalService();
    const resolveHost = async () => [
      { address: "10.0.0.5", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];
    const { a, b, t } = await setup({ resolveHost });
    a.behaviour = answerWith(`http://cdn.example.com:${internal.port}/bucket/out.png`);
    const reason = await servedByTheOther(t, a, b);
    expect(reason).toBe(
      `output refused: cdn.example.com:${internal.port} is not the orchestrator's origin and cdn.example.com resolves to refused addresses only (10.0.0.5 is a private address, 127.0.0.1 is a loopback address); outputs off it are fetched from public addresses only, unless the gateway's operator allows a network with output-allow-networks`,
    );
    expect(internal.requests).toHaveLength(0);
  });

  it("fetches one from a network output-allow-networks allows, by name or address", async () => {
    const internal = await internalService();
    const resolveHost = async () => [{ address: "127.0.0.1", family: 4 }];
    const { a, b, t } = await setup({ resolveHost, outputAllowNetworks: ["127.0.0.0/8"] });
    a.behaviour = answerWith(
      `http://cdn.example.com:${internal.port}/bucket/a.png?X-Amz-Signature=1`,
      `${internal.url}/b`,
    );
    const res = await textToImage(t.url, { ...JOB, num_images_per_prompt: 2 });
    expect(res.status).toBe(200);
    const { images } = (await res.json()) as { images: Array<{ url: string; seed: number }> };
    expect(images.map((m) => m.seed)).toEqual([7, 7]);
    for (const m of images) expect(Buffer.from(await (await fetch(m.url)).arrayBuffer()).equals(PNG_1X1)).toBe(true);
    expect(internal.requests.map((h) => h.host)).toEqual([
      `cdn.example.com:${internal.port}`,
      `127.0.0.1:${internal.port}`,
    ]);
    expect(b.jobs).toHaveLength(0);
  });

  it("does not follow a redirect from the orchestrator's origin to another server", async () => {
    const internal = await internalService();
    const { a, b, t } = await setup();
    a.outputRedirect = `${internal.url}/metrics`;
    a.behaviour = answerWith(`${a.url}/outputs/fakeoutput0000000.png`);
    const reason = await servedByTheOther(t, a, b, JOB, "orchestrator");
    expect(reason).toBe(`output not stored: GET ${a.url}/outputs/fakeoutput0000000.png: HTTP 302`);
    expect(a.outputGets).toBe(1);
    expect(internal.requests).toHaveLength(0);
  });

  it("takes relative URLs, and absolute ones on the orchestrator's origin, as before", async () => {
    const { a, b, t } = await setup();
    a.behaviour = answerWith("/outputs/fakeoutput0000000.png", `${a.url.toUpperCase()}/outputs/fakeoutput0000001.png`);
    const res = await textToImage(t.url, { ...JOB, num_images_per_prompt: 2 });
    expect(res.status).toBe(200);
    expect(a.outputGets).toBe(2);
    expect(b.jobs).toHaveLength(0);
  });
});

describe("output types", () => {
  it.each([
    ["served as text/html", "text/html; charset=utf-8", undefined, '"text/html; charset=utf-8"'],
    ["served as application/json", "application/json", undefined, '"application/json"'],
    [
      "inline as data:text/html",
      undefined,
      `data:text/html;base64,${Buffer.from("<b>hi</b>").toString("base64")}`,
      '"text/html"',
    ],
  ])("refuses an output %s", async (_what, outputType, dataUrl, named) => {
    const { a, b, t } = await setup();
    if (outputType) a.outputType = outputType;
    a.behaviour = answerWith(dataUrl ?? `${a.url}/outputs/fakeoutput0000000.png`);
    const reason = await servedByTheOther(t, a, b);
    const from = dataUrl ? "a data: URL" : new URL(a.url).host;
    expect(reason).toBe(`output refused: ${from} is ${named}, not one of image/png, video/mp4`);
  });

  it.each([
    ["an HTML page served as image/png", "image/png", Buffer.from("<html><script>alert(1)</script></html>")],
    // An image pipeline's job: a video/mp4 is refused on its type before its bytes are read.
    ["a PNG served as video/mp4", "video/mp4", PNG_1X1, "is video/mp4, but the pipeline makes image/png"],
    ["a 4-byte output", "image/png", PNG_1X1.subarray(0, 4)],
  ])("refuses %s, and keeps nothing of it", async (_what, type, bytes, why?: string) => {
    const { a, b, t } = await setup();
    a.outputType = type;
    a.outputBody = bytes;
    a.behaviour = answerWith(`${a.url}/outputs/fakeoutput0000000.png`);
    const reason = await servedByTheOther(t, a, b);
    expect(reason).toBe(
      `output refused: ${new URL(a.url).host} ${why ?? `is typed ${type} but its bytes do not start as one does`}`,
    );
    expect(readdirSync(join(t.dir, "outputs")).every((f) => /^outputs-.+\.pack$/.test(f))).toBe(true);
  });

  it("refuses an inline output whose bytes are not of its type", async () => {
    const { a, b, t } = await setup();
    a.behaviour = answerWith(`data:image/png;base64,${Buffer.from("GIF89a, not a PNG").toString("base64")}`);
    const reason = await servedByTheOther(t, a, b);
    expect(reason).toBe("output refused: a data: URL is typed image/png but its bytes do not start as one does");
  });

  it("tells the types by their first bytes: the PNG signature, an mp4's ftyp box", () => {
    expect(hasSignature("png", PNG_1X1)).toBe(true);
    expect(hasSignature("mp4", Buffer.from("00000020667479706973366d", "hex"))).toBe(true);
    expect(hasSignature("mp4", PNG_1X1)).toBe(false);
    expect(hasSignature("png", Buffer.from("00000020667479706973366d", "hex"))).toBe(false);
    expect(hasSignature("png", PNG_1X1.subarray(0, 7))).toBe(false);
  });

  it("knows an untyped output by its URL's extension, and nothing else", () => {
    expect(acceptedExtension("image/png", "")).toBe("png");
    expect(acceptedExtension("Video/MP4; codecs=avc1", "")).toBe("mp4");
    expect(acceptedExtension(undefined, "https://s3.example.com/b/x.MP4?sig=1")).toBe("mp4");
    expect(acceptedExtension("application/octet-stream", "/outputs/x.png")).toBe("png");
    expect(acceptedExtension("application/octet-stream", "/outputs/x.html")).toBeUndefined();
    expect(acceptedExtension("image/gif", "/outputs/x.png")).toBeUndefined();
  });
});

describe("caps", () => {
  it("refuses a streamed answer past max-answer-bytes without reading it whole", async () => {
    const { a, b, t } = await setup({ maxAnswerBytes: MB });
    a.behaviour = { kind: "stream", bytes: 1024 * MB };
    const started = Date.now();
    const reason = await servedByTheOther(t, a, b);
    expect(reason).toBe("answer too large: more than max-answer-bytes (1048576) sent");
    expect(Date.now() - started).toBeLessThan(5000);
    // What the fake handed to its socket before the broadcaster hung up: the cap and what the socket buffers.
    expect(a.streamedBytes).toBeLessThan(32 * MB);
  });

  it("refuses an answer whose Content-Length is past max-answer-bytes before reading it", async () => {
    const { a, b, t } = await setup({ maxAnswerBytes: MB });
    a.behaviour = { kind: "stream", bytes: 1024 * MB, declared: true };
    const reason = await servedByTheOther(t, a, b);
    expect(reason).toBe(`answer too large: ${1024 * MB} bytes declared, more than max-answer-bytes (1048576)`);
    expect(a.streamedBytes).toBeLessThan(32 * MB);
  });

  it("refuses more outputs than the request asks for, and takes as many as it asks for", async () => {
    const { a, b, t } = await setup();
    const inline = `data:image/png;base64,${PNG_1X1.toString("base64")}`;
    a.behaviour = answerWith(...Array.from({ length: 5 }, () => inline));
    const reason = await servedByTheOther(t, a, b, JOB);
    expect(reason).toBe("too many outputs: 5 for a request of 1");
    b.behaviour = a.behaviour;
    const res = await textToImage(t.url, { ...JOB, num_images_per_prompt: 5 });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { images: unknown[] }).images).toHaveLength(5);
  });

  it("counts the outputs a request may have from the spec's image-count field, else one", () => {
    expect(outputsAllowed({ pipeline: "text-to-image", body: { num_images_per_prompt: 16 } })).toBe(16);
    expect(outputsAllowed({ pipeline: "image-to-image", body: { num_images_per_prompt: 3 } })).toBe(3);
    expect(outputsAllowed({ pipeline: "text-to-image", body: {} })).toBe(1);
    expect(outputsAllowed({ pipeline: "upscale", body: { num_images_per_prompt: 9 } })).toBe(1);
    expect(outputsAllowed({ pipeline: "video-upscale", body: {} })).toBe(1);
  });

  it.each([
    ["streamed", false, "output too large: more than max-output-bytes (1048576) sent"],
    [
      "with its Content-Length",
      true,
      `output too large: ${256 * MB} bytes from HOST, more than max-output-bytes (1048576)`,
    ],
  ])("refuses an output past max-output-bytes (%s) and keeps nothing of it", async (_what, declared, why) => {
    const { a, b, t } = await setup({ maxOutputBytes: MB });
    a.outputBytes = 256 * MB;
    a.outputDeclared = declared;
    a.behaviour = answerWith(`${a.url}/outputs/fakeoutput0000000.png`);
    const started = Date.now();
    const reason = await servedByTheOther(t, a, b);
    expect(reason).toBe(why.replace("HOST", new URL(a.url).host));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(a.streamedBytes).toBeLessThan(32 * MB);
    // Only the pack holding b's output: no file of a's partial output is left.
    expect(readdirSync(join(t.dir, "outputs")).every((f) => /^outputs-.+\.pack$/.test(f))).toBe(true);
  });

  it("refuses an inline output past max-output-bytes", async () => {
    const { a, b, t } = await setup({ maxOutputBytes: 1024 });
    a.behaviour = answerWith(`data:image/png;base64,${Buffer.alloc(2048).toString("base64")}`);
    expect(await servedByTheOther(t, a, b)).toBe("output too large: 2048 bytes, more than max-output-bytes (1024)");
  });
});

describe("the settings", () => {
  it.each(["nonsense", "10.0.0.0/33", "::/129"])("stop the start on output-allow-networks %j, naming it", (entry) => {
    expect(() => parseConfig(["--output-allow-networks", entry], {})).toThrow(
      `output-allow-networks: ${JSON.stringify(entry)} is not an address or a CIDR (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1)`,
    );
  });

  it.each(["max-answer-bytes", "max-output-bytes"])("stop the start on %s below 1024, naming it", (name) => {
    expect(() => parseConfig([`--${name}`, "12"], {})).toThrow(
      `${name} must be a whole number from 1024 to 9007199254740991, got "12"`,
    );
  });

  it("are read from flags and the environment", () => {
    const env = {
      AVS_BROADCASTER_OUTPUT_ALLOW_NETWORKS: "10.8.0.0/16,fd00::/8",
      AVS_BROADCASTER_MAX_ANSWER_BYTES: "2048",
    };
    const { options } = parseConfig(["--max-output-bytes", "4096"], env);
    expect(options).toMatchObject({
      outputAllowNetworks: ["10.8.0.0/16", "fd00::/8"],
      maxAnswerBytes: 2048,
      maxOutputBytes: 4096,
    });
  });
});
