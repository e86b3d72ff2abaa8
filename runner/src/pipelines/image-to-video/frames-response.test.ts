/**
 * @module The streamed frames' answer: Livepeer's `{frames: [[{url, seed, nsfw}, …]]}` with each frame's PNG (the
 * bytes of encodeFramePng), one chunk per frame whether deflated on the HTTP thread or on libuv's pool, batches taken
 * as the generation pushes them and reported drained once encoded, an empty video, and a failure after the first frames ending the stream with the
 * generation's error after the frames already sent.
 */
import { describe, expect, it } from "vitest";
import { encodeFramePng } from "./frame-png.js";
import { FrameFeed, framesResponse } from "./frames-response.js";

const frame = (width: number, height: number, k: number) => ({
  width,
  height,
  pixels: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + k * 101 + (i >> 5) * 11) % 256),
});

async function chunksOf(res: Response): Promise<string[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(Buffer.from(value).toString("latin1"));
  }
}

const expected = async (frames: ReturnType<typeof frame>[], seed: number) => ({
  frames: [
    await Promise.all(
      frames.map(async (f) => ({
        url: `data:image/png;base64,${(await encodeFramePng(f, 1)).toString("base64")}`,
        seed,
        nsfw: false,
      })),
    ),
  ],
});

describe("framesResponse", () => {
  it("sends each frame of the batches pushed as its own chunk", async () => {
    const feed = new FrameFeed();
    const frames = Array.from({ length: 14 }, (_, k) => frame(64, 48, k));
    const res = framesResponse(feed, { seed: 7, nsfw: false, pngCompression: 1 });
    expect(res.headers.get("content-type")).toBe("application/json");
    feed.push(frames.slice(0, 8));
    const reading = chunksOf(res);
    await feed.drained();
    feed.push(frames.slice(8));
    feed.end();
    const chunks = await reading;
    // Fourteen frames, then the closing brackets.
    expect(chunks).toHaveLength(15);
    expect(chunks.slice(0, 14).every((c) => c.match(/data:image\/png/g)?.length === 1)).toBe(true);
    expect(chunks[14]).toBe("]]}");
    expect(JSON.parse(chunks.join(""))).toEqual(await expected(frames, 7));
  });

  it("sends frames encoded on libuv's pool one chunk each too", async () => {
    const feed = new FrameFeed();
    const frames = Array.from({ length: 3 }, (_, k) => frame(160, 128, k));
    const res = framesResponse(feed, { seed: 3, nsfw: false, pngCompression: 1 });
    feed.push(frames);
    feed.end();
    const chunks = await chunksOf(res);
    expect(chunks).toHaveLength(4);
    expect(JSON.parse(chunks.join(""))).toEqual(await expected(frames, 3));
  });

  it("reports a batch drained only once its last frame is encoded and sent, not when it is taken", async () => {
    const feed = new FrameFeed();
    const frames = Array.from({ length: 3 }, (_, k) => frame(160, 128, k));
    const res = framesResponse(feed, { seed: 3, nsfw: false, pngCompression: 1 });
    feed.push(frames);
    let drained = false;
    const draining = feed.drained().then(() => {
      drained = true;
    });
    // The stream fills its one-chunk queue by itself: every frame is taken (and being encoded), one is sent.
    await new Promise((r) => setTimeout(r, 100));
    expect(feed.takeWithBatch()).toBeUndefined();
    expect(drained).toBe(false);
    feed.end();
    const chunks = await chunksOf(res);
    await draining;
    expect(drained).toBe(true);
    expect(JSON.parse(chunks.join(""))).toEqual(await expected(frames, 3));
    // Nothing pushed since: drained at once.
    await feed.drained();
  });

  it("answers an empty video", async () => {
    const feed = new FrameFeed();
    const res = framesResponse(feed, { seed: 1, nsfw: false, pngCompression: 1 });
    feed.end();
    expect((await chunksOf(res)).join("")).toBe('{"frames":[[]]}');
  });

  it("ends the stream with the generation's error after the frames already given", async () => {
    const feed = new FrameFeed();
    const res = framesResponse(feed, { seed: 1, nsfw: false, pngCompression: 1 });
    feed.push([frame(32, 32, 0), frame(32, 32, 1)]);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    for (const k of [0, 1]) {
      const { value } = await reader.read();
      const urls = Buffer.from(value as Uint8Array)
        .toString("latin1")
        .match(/data:image\/png/g);
      expect(urls, `frame ${k}`).toHaveLength(1);
    }
    feed.fail(new Error("the decoder failed"));
    await expect(reader.read()).rejects.toThrow("the decoder failed");
  });
});
