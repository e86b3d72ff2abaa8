/**
 * @module The S3 output store against s3rver, a real S3-compatible server in Node (it checks the SigV4 header's form
 * but not the signature itself; signatures are checked against AWS's published examples in sigv4.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upscaleForm } from "@ai-video-subnet/test-kit";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { S3OutputStore } from "../src/outputs/s3-store.js";
import { outputName } from "../src/outputs/store.js";
import { startBroadcaster } from "./support/broadcaster.js";
import { PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { bytesOf, DATA, expectRanges, streamOf } from "./support/output-store-checks.js";

const root = mkdtempSync(join(tmpdir(), "avs-stores-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("S3 store (s3rver)", () => {
  let server: S3rver;
  let endpoint: string;
  beforeAll(async () => {
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: join(root, "s3"),
      configureBuckets: [{ name: "avs-outputs", configs: [] }],
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server?.close());

  /** The bucket, as a broadcaster's `outputs` option. */
  const bucket = (prefix?: string) => ({
    kind: "s3" as const,
    endpoint,
    bucket: "avs-outputs",
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    prefix,
  });
  const store = () => new S3OutputStore({ ...bucket(), retentionMs: 60_000 });

  it("uploads a stream with its length, and streams it back", async () => {
    const s = store();
    const name = outputName("png");
    await s.put(name, streamOf(DATA), "image/png", DATA.length);
    const out = await s.get(name);
    expect(out?.contentType).toBe("image/png");
    expect(out?.size).toBe(DATA.length);
    expect(await bytesOf(out!.body)).toEqual(DATA);
    // It is in the bucket under the prefix, as any S3 client would see it.
    const listing = await fetch(`${endpoint}/avs-outputs?list-type=2&prefix=outputs/`).then((r) => r.text());
    expect(listing).toContain(`<Key>outputs/${name}</Key>`);
  });

  it("uploads bytes given in memory with their length", async () => {
    const s = store();
    const name = outputName("png");
    await s.put(name, Buffer.from(DATA.subarray(0, 1000)), "image/png");
    const out = await s.get(name);
    expect(out?.size).toBe(1000);
    expect(await bytesOf(out!.body)).toEqual(DATA.subarray(0, 1000));
  });

  it("uploads a stream of unknown length", async () => {
    const s = store();
    const name = outputName("mp4");
    await s.put(name, streamOf(DATA.subarray(0, 1000)), "video/mp4");
    expect(await bytesOf((await s.get(name))!.body)).toEqual(DATA.subarray(0, 1000));
  });

  it("answers undefined for a missing name and deletes", async () => {
    const s = store();
    expect(await s.get(outputName("png"))).toBeUndefined();
    const name = outputName("png");
    await s.put(name, streamOf(DATA.subarray(0, 10)), "image/png", 10);
    await s.delete(name);
    expect(await s.get(name)).toBeUndefined();
  });

  it("removes objects past the retention time in cleanup", async () => {
    const s = store();
    const name = outputName("png");
    await s.put(name, streamOf(DATA.subarray(0, 10)), "image/png", 10);
    expect(await s.cleanup(Date.now())).toBe(0);
    const removed = await s.cleanup(Date.now() + 120_000);
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await s.get(name)).toBeUndefined();
  });

  it("serves a job's output from the bucket through the broadcaster", async () => {
    const fake = await startFakeOrchestrator([{ pipeline: "upscale", model_id: "m" }]);
    const t = await startBroadcaster({ orchestrators: [fake.url], outputs: bucket("jobs/") });
    try {
      const res = await fetch(`${t.url}/upscale`, { method: "POST", body: upscaleForm("m", PNG_1X1) });
      expect(res.status).toBe(200);
      const url: string = (await res.json()).images[0].url;
      const name = url.slice(url.lastIndexOf("/") + 1);
      const listing = await fetch(`${endpoint}/avs-outputs?list-type=2&prefix=jobs/`).then((r) => r.text());
      expect(listing).toContain(`<Key>jobs/${name}</Key>`);
      const out = await fetch(url);
      expect(out.headers.get("content-type")).toBe("image/png");
      expect(Buffer.from(await out.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    } finally {
      await t.close();
      await fake.close();
    }
  });

  it("serves Range requests through the broadcaster with ranged GETs on the bucket", async () => {
    const t = await startBroadcaster({ outputs: bucket() });
    const sent: Array<{ method: string; range: string | null }> = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      if (String(input).startsWith(endpoint)) {
        sent.push({ method: init?.method ?? "GET", range: new Headers(init?.headers).get("range") });
      }
      return realFetch(input, init);
    });
    try {
      const name = outputName("mp4");
      await t.b.store.put(name, streamOf(DATA), "video/mp4", DATA.length);
      await expectRanges(t.url, name, DATA);
      // s3rver reads the end of `bytes=0-0` as none and answers all of it with a Content-Range that says so; the
      // gateway passes on the part the bucket answered, with its true Content-Range.
      const first = await fetch(`${t.url}/outputs/${name}`, { headers: { range: "bytes=0-0" } });
      expect(first.status).toBe(206);
      expect(first.headers.get("content-range")).toBe(`bytes 0-${DATA.length - 1}/${DATA.length}`);
      expect((await first.arrayBuffer()).byteLength).toBe(DATA.length);
      sent.length = 0;
      expect(
        await (await fetch(`${t.url}/outputs/${name}`, { headers: { range: "bytes=100-199" } })).arrayBuffer(),
      ).toEqual(DATA.slice(100, 200).buffer);
      // The bucket is asked for those bytes only; a suffix is asked as the positions it stands for, after a HEAD.
      expect(sent).toEqual([{ method: "GET", range: "bytes=100-199" }]);
      sent.length = 0;
      await (await fetch(`${t.url}/outputs/${name}`, { headers: { range: "bytes=-10" } })).arrayBuffer();
      expect(sent).toEqual([
        { method: "HEAD", range: null },
        { method: "GET", range: `bytes=${DATA.length - 10}-${DATA.length - 1}` },
      ]);
      sent.length = 0;
      await fetch(`${t.url}/outputs/${name}`, { method: "HEAD" });
      expect(sent).toEqual([{ method: "HEAD", range: null }]);
    } finally {
      spy.mockRestore();
      await t.close();
    }
  });

  it("reports a wrong bucket with the server's answer", async () => {
    const s = new S3OutputStore({
      endpoint,
      bucket: "no-such-bucket",
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      retentionMs: 1,
    });
    await expect(s.put(outputName("png"), streamOf(DATA.subarray(0, 10)), "image/png", 10)).rejects.toThrow(
      /S3 PUT .*HTTP 404.*NoSuchBucket/s,
    );
  });
});
