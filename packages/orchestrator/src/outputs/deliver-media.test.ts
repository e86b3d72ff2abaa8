/**
 * @module Media delivery: runner data URLs become stored URLs (or stay inline), and a runner's video frames
 * become one H.264 mp4 (encoded by the real ffmpeg, checked with ffprobe); a runner's own mp4 is stored as is.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataUrl, parseRunnerAnswer } from "@ai-video-subnet/runner-client/node";
import { descendants } from "@ai-video-subnet/test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { answerJson, deliverMedia } from "./deliver-media.js";
import { encodeMp4 } from "./mp4.js";
import { OutputStore } from "./output-store.js";

const work = mkdtempSync(join(tmpdir(), "avs-deliver-"));
const store = new OutputStore({ dir: join(work, "out") });
afterAll(async () => {
  await store.close();
  rmSync(work, { recursive: true, force: true });
});

function frames(n: number, width: number, height: number): string[] {
  const dir = join(work, `frames-${n}`);
  execFileSync("mkdir", ["-p", dir]);
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", `testsrc=size=${width}x${height}:rate=6`],
    ...["-frames:v", String(n), join(dir, "f%03d.png")],
  ]);
  return readdirSync(dir)
    .sort()
    .map((f) => `data:image/png;base64,${readFileSync(join(dir, f)).toString("base64")}`);
}

function probe(file: string) {
  const out = execFileSync("ffprobe", [
    ...["-v", "error", "-select_streams", "v:0", "-count_frames"],
    ...["-show_entries", "stream=codec_name,pix_fmt,width,height,nb_read_frames,r_frame_rate", "-of", "json", file],
  ]);
  return JSON.parse(out.toString()).streams[0];
}

describe("deliverMedia", () => {
  const ctx = { delivery: "url" as const, store, publicUrl: "https://orch.example", fps: 6 };

  it("stores PNG data URLs and returns URLs under /outputs, keeping seed and nsfw", async () => {
    const [frame] = frames(1, 16, 16);
    const out = await deliverMedia({ images: [{ url: frame!, seed: 5, nsfw: true }] }, ctx);
    expect(out.images).toHaveLength(1);
    expect(out.images[0]).toMatchObject({ seed: 5, nsfw: true });
    const name = String(out.images[0]!.url).replace("https://orch.example/outputs/", "");
    expect(name).toMatch(/^[A-Za-z0-9_-]{32}\.png$/);
    const stored = await store.get(name);
    expect(Buffer.from(stored!.bytes).toString("base64")).toBe(frame!.split(",")[1]);
  });

  it("passes data URLs through with delivery data", async () => {
    const [frame] = frames(1, 8, 8);
    const out = await deliverMedia({ images: [{ url: frame!, seed: 1, nsfw: false }] }, { ...ctx, delivery: "data" });
    expect(out.images[0]!.url).toBe(frame);
  });

  it("writes an inline answer with the runner's URL bytes as they came, the JSON that JSON.stringify writes", async () => {
    const [a, b] = frames(2, 8, 8);
    const runner = Buffer.from(
      JSON.stringify({
        images: [
          { url: a, seed: 1, nsfw: false },
          { seed: 2, url: b, nsfw: true, extra: 'é"x' },
          { url: "https://elsewhere/c.png", seed: 3, nsfw: false },
        ],
      }),
    );
    const out = await deliverMedia(parseRunnerAnswer(runner), { ...ctx, delivery: "data" });
    expect(out.images[0]!.url).toBeInstanceOf(DataUrl);
    const json = answerJson(out);
    expect(Buffer.isBuffer(json)).toBe(true);
    expect(json.toString()).toBe(runner.toString());
    // Nothing inline: plain JSON.stringify.
    const stored = await deliverMedia(parseRunnerAnswer(runner), ctx);
    expect(answerJson(stored)).toBe(JSON.stringify(stored));
  });

  it("encodes each video's frames into one H.264 mp4 at the requested fps", async () => {
    const video = frames(12, 34, 22).map((url, i) => ({ url, seed: 40, nsfw: i === 3 }));
    const out = await deliverMedia({ frames: [video] }, { ...ctx, fps: 12 });
    expect(out.images).toHaveLength(1);
    expect(out.images[0]).toMatchObject({ seed: 40, nsfw: true });
    const name = String(out.images[0]!.url).replace("https://orch.example/outputs/", "");
    expect(name).toMatch(/\.mp4$/);
    const file = join(work, "check.mp4");
    writeFileSync(file, (await store.get(name))!.bytes);
    expect(probe(file)).toMatchObject({
      codec_name: "h264",
      pix_fmt: "yuv420p",
      width: 34,
      height: 22,
      nb_read_frames: "12",
      r_frame_rate: "12/1",
    });
  });

  it("answers a 500 with ffmpeg's reason when encoding fails, leaving no partial file behind", async () => {
    const before = readdirSync(store.dir);
    const broken = [{ url: "data:image/png;base64,AAAA", seed: 1, nsfw: false }];
    const err = await deliverMedia({ frames: [broken] }, ctx).catch((e) => e);
    expect(err.status).toBe(500);
    expect(err.message).toMatch(/^ffmpeg failed to encode the video: exit \d+: /);
    const missing = await deliverMedia({ frames: [broken] }, { ...ctx, ffmpeg: "/nonexistent/ffmpeg" }).catch((e) => e);
    expect(missing.message).toMatch(/^cannot run \/nonexistent\/ffmpeg to encode the video: .*ENOENT/);
    expect(readdirSync(store.dir)).toEqual(before);
  });

  it("stops an encode whose signal aborts: ffmpeg killed, no frame fed after, the abort thrown, no file left", async () => {
    const ffmpegs = () =>
      descendants(process.pid).filter((p) => {
        try {
          return readFileSync(`/proc/${p}/comm`, "utf8").trim() === "ffmpeg";
        } catch {
          return false;
        }
      });
    const png = Buffer.from(frames(1, 320, 240)[0]!.split(",")[1]!, "base64");
    const caller = new AbortController();
    let fed = 0;
    function* pngs() {
      for (let i = 0; i < 500; i++) {
        if (i === 5) caller.abort();
        fed++;
        yield png;
      }
    }
    const out = join(work, "aborted.mp4");
    const err = await encodeMp4(pngs(), 6, out, "ffmpeg", caller.signal).catch((e) => e);
    expect(err).toBe(caller.signal.reason);
    expect(fed).toBe(6);
    expect(ffmpegs()).toEqual([]);
    rmSync(out, { force: true });

    // Through deliverMedia: the partial mp4 is removed and nothing is stored.
    const before = readdirSync(store.dir);
    const video = Array.from({ length: 300 }, () => ({ url: `data:image/png;base64,${png.toString("base64")}` }));
    const hangUp = new AbortController();
    setTimeout(() => hangUp.abort(), 50);
    const job = { frames: [video.map((f) => ({ ...f, seed: 1, nsfw: false }))] };
    const failed = await deliverMedia(job, { ...ctx, signal: hangUp.signal }).catch((e) => e);
    expect(failed).toBe(hangUp.signal.reason);
    expect(ffmpegs()).toEqual([]);
    expect(readdirSync(store.dir)).toEqual(before);
    // A job whose caller is already gone delivers nothing.
    await expect(deliverMedia(job, { ...ctx, signal: hangUp.signal })).rejects.toBe(hangUp.signal.reason);
  });

  it("stores a runner's mp4 data URL (video-upscale) byte for byte as an .mp4 output", async () => {
    const mp4 = join(work, "runner.mp4");
    execFileSync("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=32x24:rate=8"],
      ...["-frames:v", "5", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", mp4],
    ]);
    const bytes = readFileSync(mp4);
    const url = `data:video/mp4;base64,${bytes.toString("base64")}`;
    const out = await deliverMedia({ images: [{ url, seed: 9, nsfw: false }] }, ctx);
    expect(out.images[0]).toMatchObject({ seed: 9, nsfw: false });
    const name = String(out.images[0]!.url).replace("https://orch.example/outputs/", "");
    expect(name).toMatch(/^[A-Za-z0-9_-]{32}\.mp4$/);
    expect(Buffer.from((await store.get(name))!.bytes).equals(bytes)).toBe(true);
    const inline = await deliverMedia({ images: [{ url, seed: 9, nsfw: false }] }, { ...ctx, delivery: "data" });
    expect(inline.images[0]!.url).toBe(url);
  });

  it("refuses a frame that is not a PNG data URL with a 500 naming it", async () => {
    const err = await deliverMedia(
      { frames: [[{ url: "data:image/gif;base64,AAAA", seed: 1, nsfw: false }]] },
      ctx,
    ).catch((e) => e);
    expect(err.status).toBe(500);
    expect(err.message).toBe("frame 0 of the runner's video is not a PNG data URL");
  });
});
