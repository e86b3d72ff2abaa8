import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toFormData, toWireFields } from "./internal/multipart.js";
import { toFile } from "./uploadable.js";

// The PNG signature plus a few bytes: enough to tell the bytes arrived unchanged.
const BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 255]);
let dir: string;
let path: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "avs-sdk-"));
  path = join(dir, "cat.png");
  await writeFile(path, BYTES);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const T = { method: "POST", path: "/image-to-image" };
const bytesOf = async (file: File) => new Uint8Array(await file.arrayBuffer());

describe("toFile", () => {
  const cases: [string, () => unknown][] = [
    ["a Blob", () => new Blob([BYTES], { type: "image/png" })],
    ["a File", () => new File([BYTES], "x.png")],
    ["a Uint8Array", () => BYTES],
    ["a Buffer", () => Buffer.from(BYTES)],
    ["an ArrayBuffer", () => BYTES.slice().buffer],
    ["a Uint8Array view into a larger buffer", () => new Uint8Array([9, 9, ...BYTES, 9]).subarray(2, 2 + BYTES.length)],
    ["a ReadableStream", () => new Blob([BYTES.subarray(0, 4), BYTES.subarray(4)]).stream()],
    ["a Node Readable", () => Readable.from([Buffer.from(BYTES.subarray(0, 5)), Buffer.from(BYTES.subarray(5))])],
  ];
  for (const [name, make] of cases) {
    it(`reads ${name} unchanged`, async () => {
      const file = await toFile(make() as Blob, "in.png");
      expect(file).toBeInstanceOf(File);
      expect(await bytesOf(file)).toEqual(BYTES);
    });
  }

  it("keeps a File's own name and a Blob's type", async () => {
    expect((await toFile(new File([BYTES], "x.png"), "other")).name).toBe("x.png");
    const fromBlob = await toFile(new Blob([BYTES], { type: "image/png" }), "in.png");
    expect([fromBlob.name, fromBlob.type]).toEqual(["in.png", "image/png"]);
  });

  it("opens a path in Node, named after the file", async () => {
    const file = await toFile(path);
    expect(file.name).toBe("cat.png");
    expect(await bytesOf(file)).toEqual(BYTES);
  });

  it("fails clearly for a missing path and for values it cannot upload", async () => {
    await expect(toFile(join(dir, "missing.png"))).rejects.toThrow(/ENOENT.*missing\.png/);
    await expect(toFile(dir)).rejects.toThrow(`"${dir}" is not a file`);
    const fetchIt = "is a URL, not a file path: fetch it, pass the Blob";
    await expect(toFile("https://example.com/cat.png")).rejects.toThrow(`"https://example.com/cat.png" ${fetchIt}`);
    await expect(toFile(`data:image/png;base64,${"A".repeat(100)}`)).rejects.toThrow(
      `"data:image/png;base64,${"A".repeat(38)}" ${fetchIt}`,
    );
    await expect(toFile(42 as never)).rejects.toThrow(
      "cannot upload a number: pass a Blob, File, Uint8Array, ArrayBuffer, ReadableStream, async iterable of bytes, or a file path",
    );
  });
});

describe("request bodies", () => {
  it("renames options to spec fields, serializes a loras object and skips undefined", async () => {
    const fields = await toWireFields(
      { modelId: "m/x", numInferenceSteps: 2, safetyCheck: false, loras: { "a/b": 0.5 }, seed: undefined },
      [],
      T,
    );
    expect(fields).toEqual({ model_id: "m/x", num_inference_steps: 2, safety_check: false, loras: '{"a/b":0.5}' });
  });

  it("treats a string in a file field as a path, and rejects bytes in a non-file field", async () => {
    const fields = await toWireFields({ image: path, prompt: "p" }, ["image"], T);
    expect((fields.image as File).name).toBe("cat.png");
    await expect(toWireFields({ prompt: BYTES }, ["image"], T)).rejects.toThrow(
      'option "prompt" is not a file field; files go in: image',
    );
  });

  it("builds multipart/form-data that a server parses back into the same fields and bytes", async () => {
    const fields = await toWireFields({ prompt: "a cat", image: BYTES, strength: 0.25, modelId: "m" }, ["image"], T);
    const request = new Request("http://127.0.0.1/image-to-image", { method: "POST", body: toFormData(fields) });
    expect(request.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    const parsed = await request.formData();
    expect([parsed.get("prompt"), parsed.get("strength"), parsed.get("model_id")]).toEqual(["a cat", "0.25", "m"]);
    const image = parsed.get("image") as File;
    expect(image.name).toBe("image");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(BYTES);
  });
});
