/**
 * @module Test support of the devnet's end-to-end tests (networks, fixtures and forms come from the test kit):
 * decoded pixels and their PSNR, bounded concurrency, and a POST that reads an answer given before the body is read.
 */
import sharp from "sharp";

/**
 * Decoded RGB pixels of an image.
 * @example const { width, height, pixels } = await rgb(bytes);
 */
export async function rgb(bytes: Uint8Array): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: new Uint8Array(data) };
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
