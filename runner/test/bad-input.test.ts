/**
 * @module Bad input against a real runner server: each case gets the right status and error shape, and the server
 * keeps serving (a good request succeeds after every bad one). The image type comes from the bytes only. `/upscale` is
 * one of Livepeer's routes, which declare no 413 or 415: an upload too large or of the wrong type is a 400 there
 * (the video routes' tests have their 413s and 415s).
 */
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeDataUrl, servedRunner, testImage, upscaleForm } from "./helpers.js";

describe("bad input", () => {
  const { server } = servedRunner(["tiny/esrgan-x4"], {
    authToken: "t0ken",
    maxUploadBytes: 200_000,
    maxImageSide: 1000,
    maxInputPixels: 300 * 300,
    maxOutputPixels: 800 * 800,
  });
  let png: Uint8Array;
  const auth = { authorization: "Bearer t0ken" };
  beforeAll(async () => {
    png = await testImage(20, 12);
  });

  const post = (body: BodyInit, headers: Record<string, string> = auth) =>
    fetch(`${server().url}/upscale`, { method: "POST", headers, body });

  /** Sends a form as a stream, so it goes chunked (no Content-Length) and is counted as it is read. */
  async function postChunked(form: FormData) {
    const encoded = new Response(form);
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const body = new ReadableStream({
      start(ctl) {
        for (let i = 0; i < bytes.length; i += 16_384) ctl.enqueue(bytes.subarray(i, i + 16_384));
        ctl.close();
      },
    });
    return fetch(`${server().url}/upscale`, {
      method: "POST",
      headers: { ...auth, "content-type": encoded.headers.get("content-type")! },
      body,
      duplex: "half",
    } as RequestInit);
  }

  async function stillServing() {
    expect(await (await fetch(`${server().url}/health`)).json()).toEqual({ status: "OK" });
    const ok = await post(upscaleForm(png));
    expect(ok.status).toBe(200);
    const out = await decodeDataUrl((await ok.json()).images[0].url);
    expect([out.width, out.height]).toEqual([80, 48]);
  }

  const truncated = async () => (await testImage(64, 64)).subarray(0, 200);
  /** `size` bytes that start as a PNG does (its signature), so the type is not what they are refused for. */
  const pngStart = (size: number) => {
    const bytes = new Uint8Array(size).fill(7);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return bytes;
  };
  /** A PNG whose header declares 0×0 px, with valid checksums. */
  const zeroPng = () => {
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
      const size = Buffer.alloc(4);
      size.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([size, body, crc]);
    };
    const ihdr = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0]);
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return new Uint8Array(
      Buffer.concat([
        signature,
        chunk("IHDR", ihdr),
        chunk("IDAT", deflateSync(Buffer.alloc(0))),
        chunk("IEND", Buffer.alloc(0)),
      ]),
    );
  };
  const cases: Array<[string, () => Promise<Response>, number, string | RegExp]> = [
    [
      "not an image",
      async () => post(upscaleForm(new TextEncoder().encode("<html>hello</html>"))),
      400,
      "image must be a PNG, JPEG or WebP file; its bytes start with 3c 68 74 6d 6c 3e 68 65",
    ],
    [
      "a truncated PNG",
      async () => post(upscaleForm(await truncated())),
      400,
      /^image looks like PNG but could not be decoded: /,
    ],
    [
      "a PNG whose header checksum is damaged (libvips gives no reason)",
      async () => {
        const damaged = await testImage(64, 64);
        damaged[29] = damaged[29]! ^ 0xff; // the IHDR chunk's CRC
        return post(upscaleForm(damaged));
      },
      400,
      "image looks like PNG but could not be decoded: its data is damaged (the decoder gave no reason); send a complete PNG, JPEG or WebP file",
    ],
    [
      "a PNG that declares 0×0 px (libpng's own refusal has no reason)",
      async () => post(upscaleForm(zeroPng())),
      400,
      "image has zero size (0×0 px); send an image of at least 1×1 px",
    ],
    [
      "a JPEG that is only its start marker: libvips's repeated lines said once",
      async () => post(upscaleForm(new Uint8Array([0xff, 0xd8, 0xff]))),
      400,
      /^image looks like JPEG but could not be decoded: Input buffer has corrupt header; VipsJpeg: premature end of JPEG image; VipsJpeg: JPEG datastream contains no image; send a complete PNG, JPEG or WebP file$/,
    ],
    [
      "a zero-byte file",
      async () => post(upscaleForm(new Uint8Array(0))),
      400,
      "image is empty (0 bytes); send a PNG, JPEG or WebP file",
    ],
    [
      "a 50 000 px wide image",
      async () =>
        post(
          upscaleForm(
            new Uint8Array(
              await sharp({ create: { width: 50_000, height: 1, channels: 3, background: "#808080" } })
                .png()
                .toBuffer(),
            ),
          ),
        ),
      400,
      "image is 50000×1 px; the largest side this runner accepts is 1000 px",
    ],
    [
      "too many pixels",
      async () => post(upscaleForm(await testImage(400, 400))),
      400,
      "image is 400×400 = 160000 px; this runner accepts at most 90000 px",
    ],
    [
      "an output over the pixel limit",
      async () => post(upscaleForm(await testImage(250, 201))),
      400,
      "the ×4 result of a 250×201 px image would be 1000×804 = 804000 px; this runner produces at most 640000 px",
    ],
    [
      "a body over the upload limit",
      async () => post(upscaleForm(new Uint8Array(300_000).fill(7))),
      400,
      "request body is larger than the limit of 200000 bytes",
    ],
    [
      "a chunked body (no Content-Length) over the upload limit",
      async () => postChunked(upscaleForm(pngStart(300_000))),
      400,
      "request body is larger than the limit of 200000 bytes",
    ],
    [
      // Its first bytes come before the limit is reached: they are what it is refused for.
      "a chunked body over the upload limit whose image is not one",
      async () => postChunked(upscaleForm(new Uint8Array(300_000).fill(7))),
      400,
      "image must be a PNG, JPEG or WebP file; its bytes start with 07 07 07 07 07 07 07 07",
    ],
    [
      "the wrong model_id",
      async () => post(upscaleForm(png, { model_id: "someone/else" })),
      400,
      "pipeline configured with tiny/esrgan-x4 but called with someone/else",
    ],
    ["a missing token", async () => post(upscaleForm(png), {}), 401, "Invalid bearer token"],

    [
      "a JSON body",
      async () => post(JSON.stringify({ prompt: "x" }), { ...auth, "content-type": "application/json" }),
      400,
      'Content-Type must be multipart/form-data, got "application/json"',
    ],
    [
      "a gzip-encoded body",
      async () => {
        const form = new Response(upscaleForm(png));
        return post(new Uint8Array(await form.arrayBuffer()), {
          ...auth,
          "content-type": form.headers.get("content-type")!,
          "content-encoding": "gzip",
        });
      },
      400,
      'Content-Encoding "gzip" is not supported; send the body unencoded (identity)',
    ],
  ];

  for (const [name, send, status, msg] of cases) {
    it(`answers ${name} with ${status}`, async () => {
      const res = await send();
      expect(res.status).toBe(status);
      const body = await res.json();
      if (typeof msg === "string") expect(body).toEqual({ detail: { msg } });
      else expect(body.detail.msg).toMatch(msg);
      if (status === 401) expect(res.headers.get("www-authenticate")).toBe("Bearer");
      await stillServing();
    });
  }

  it("answers an X-Request-Id of . or .. with 422: its progress, /progress/.., could not be followed", async () => {
    for (const id of [".", ".."]) {
      const res = await post(upscaleForm(png), { ...auth, "x-request-id": id });
      expect(res.status).toBe(422);
      const { detail } = (await res.json()) as { detail: Array<{ loc: string[]; msg: string }> };
      expect(detail[0]).toMatchObject({ loc: ["header", "X-Request-Id"] });
      expect(detail[0]!.msg).toMatch(/^X-Request-Id must match/);
    }
    await stillServing();
  });

  it("names the precise status of a 400 that stands for a 413 or 415 in X-AVS-Status, and only then", async () => {
    const notImage = await post(upscaleForm(new TextEncoder().encode("<html>hello</html>")));
    expect([notImage.status, notImage.headers.get("x-avs-status")]).toEqual([400, "415"]);
    const tooLarge = await post(upscaleForm(await testImage(400, 400)));
    expect([tooLarge.status, tooLarge.headers.get("x-avs-status")]).toEqual([400, "413"]);
    const wrongModel = await post(upscaleForm(png, { model_id: "someone/else" }));
    expect([wrongModel.status, wrongModel.headers.get("x-avs-status")]).toEqual([400, null]);
    await stillServing();
  });

  it("serves the route with a trailing slash too, as ai-runner does", async () => {
    const res = await fetch(`${server().url}/upscale/`, { method: "POST", headers: auth, body: upscaleForm(png) });
    expect(res.status).toBe(200);
    expect((await res.json()).images).toHaveLength(1);
  });

  it("reads a chunked body (no Content-Length) within the limit", async () => {
    const res = await postChunked(upscaleForm(png));
    expect(res.status).toBe(200);
    const out = await decodeDataUrl((await res.json()).images[0].url);
    expect([out.width, out.height]).toEqual([80, 48]);
  });

  it("answers wrong types and a missing file with 422 naming each field", async () => {
    const res = await post(upscaleForm(undefined, { seed: "abc", num_inference_steps: "0" }));
    expect(res.status).toBe(422);
    const { detail } = await res.json();
    expect(detail).toEqual(
      expect.arrayContaining([
        { loc: ["body", "image"], msg: "image is required", type: "missing" },
        { loc: ["body", "seed"], msg: 'seed must be an integer, got "abc"', type: "int_type" },
      ]),
    );
    const asText = await post(upscaleForm("not a file"));
    expect(asText.status).toBe(422);
    expect((await asText.json()).detail[0]).toMatchObject({ loc: ["body", "image"], type: "file_type" });
    await stillServing();
  });

  it("reads the type from the bytes, not the part's Content-Type or name", async () => {
    for (const format of ["jpeg", "webp", "png"] as const) {
      const form = new FormData();
      form.append("prompt", "");
      const bytes = await testImage(16, 16, format);
      form.append(
        "image",
        new Blob([bytes as Uint8Array<ArrayBuffer>], {
          type: format === "png" ? "image/jpeg" : "application/octet-stream",
        }),
        "photo.gif",
      );
      const res = await post(form);
      expect(res.status).toBe(200);
      const out = await decodeDataUrl((await res.json()).images[0].url);
      expect([out.width, out.height]).toEqual([64, 64]);
    }
  });
});
