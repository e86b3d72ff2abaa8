/**
 * @module Test support of the devnet's end-to-end tests (networks, fixtures and forms come from the test kit):
 * decoded pixels and their PSNR, what ffprobe says of an mp4, bounded concurrency, and a POST that reads an answer
 * given before the body is read.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";

/**
 * Decoded RGB pixels of an image.
 * @example const { width, height, pixels } = await rgb(bytes);
 */
export async function rgb(bytes: Uint8Array): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: new Uint8Array(data) };
}

/** Runs `fn` on the bytes written to a temporary file, then removes it. */
function withFile<T>(bytes: Uint8Array, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "avs-devnet-video-"));
  try {
    const file = join(dir, "video.mp4");
    writeFileSync(file, bytes);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The top-level ISO BMFF box types of a file, in order (`ftyp`, `moov`, `mdat`, …). */
function topLevelBoxes(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    let size = view.getUint32(at);
    if (size === 1) size = Number(view.getBigUint64(at + 8));
    types.push(Buffer.from(bytes.subarray(at + 4, at + 8)).toString("latin1"));
    if (size < 8) break;
    at += size;
  }
  return types;
}

/**
 * What ffprobe says of an mp4's video stream (frames counted by decoding), and whether its index (`moov`) comes
 * before the media (`+faststart`).
 * @example probeVideo(bytes) // { codec_name: "h264", pix_fmt: "yuv420p", width: 64, height: 48, frames: 14, fps: "8/1", faststart: true }
 */
export function probeVideo(bytes: Uint8Array) {
  const stream = withFile(bytes, (file) => {
    const out = execFileSync("ffprobe", [
      ...["-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries"],
      ...["stream=codec_name,pix_fmt,width,height,nb_read_frames,r_frame_rate", "-of", "json", file],
    ]);
    return JSON.parse(out.toString()).streams[0] as Record<string, string | number>;
  });
  const boxes = topLevelBoxes(bytes);
  return {
    codec_name: stream.codec_name,
    pix_fmt: stream.pix_fmt,
    width: stream.width,
    height: stream.height,
    frames: Number(stream.nb_read_frames),
    fps: stream.r_frame_rate,
    faststart: boxes.includes("moov") && boxes.indexOf("moov") < boxes.indexOf("mdat"),
  };
}

/**
 * Every decoded frame of an mp4 as raw RGB, one buffer (to compare two videos' pictures, not their containers).
 * @example decodedFrames(a).equals(decodedFrames(b))
 */
export function decodedFrames(bytes: Uint8Array): Buffer {
  return withFile(bytes, (file) =>
    execFileSync("ffmpeg", ["-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], {
      maxBuffer: 256 * 1024 * 1024,
    }),
  );
}

/** Peak signal-to-noise ratio of two 8-bit images of the same size, in dB. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`psnr: sizes differ (${a.length} vs ${b.length})`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

/**
 * Runs `task` for indices 0..n-1 with at most `concurrency` at once; returns results in index order.
 * @example const results = await pool(100, 4, (i) => send(i));
 */
export async function pool<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/**
 * POSTs `body` with node:http and resolves with the answer even when the server answers before reading the
 * whole body and closes the connection (a 413 on a huge upload) — where fetch reports only "fetch failed".
 * @example const { status, body } = await postEarlyAnswer(url, form, 30_000);
 */
export async function postEarlyAnswer(
  url: string,
  formData: FormData,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  const { request } = await import("node:http");
  const encoded = new Response(formData);
  const bytes = Buffer.from(await encoded.arrayBuffer());
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": encoded.headers.get("content-type")!, "content-length": bytes.length },
        timeout: timeoutMs,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // The server may stop reading once it has answered: a write error after the answer is not a failure.
    req.on("error", (err) => setTimeout(() => reject(err), 1000));
    // After the answer the socket may be detached from req; its late EPIPE must not become an uncaught error.
    req.on("socket", (socket) => socket.on("error", () => {}));
    req.end(bytes);
  });
}
