/**
 * @module A validated body's lazy file field (`lazyFileField`, `uploadedPart`): it reads as a File built once, stays an
 * own enumerable property, and holds its upload only through the body, so the young-generation collector frees the
 * upload with the body (a getter made per body, or a WeakMap, kept it for the next full collection).
 */
import { describe, expect, it } from "vitest";
import { lazyFileField, UploadedPart, uploadedPart } from "../src/validator/uploaded-part.js";
import { keptAfterYoungGc } from "./young-gc.js";

describe("lazyFileField", () => {
  it("reads as one File of the part's bytes, enumerable, and uploadedPart finds the part", async () => {
    const part = new UploadedPart("in.png", "image/png", [Buffer.from("ab"), Buffer.from("cd")]);
    const body: Record<string, unknown> = { model_id: "m" };
    lazyFileField(body, "image", part);
    expect(Object.keys(body)).toEqual(["model_id", "image"]);
    expect(uploadedPart(body, "image")).toBe(part);
    expect(uploadedPart(body, "model_id")).toBeUndefined();
    expect(uploadedPart({ image: part }, "image")).toBeUndefined();
    const file = body.image as File;
    expect(file).toBeInstanceOf(File);
    expect(file.name).toBe("in.png");
    expect(file.type).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe("abcd");
    expect(body.image).toBe(file);
    // A copy made by spreading carries the File, not the part.
    expect({ ...body }.image).toBe(file);
    expect(uploadedPart({ ...body }, "image")).toBeUndefined();
  });

  it("two bodies with the same field keep their own parts", () => {
    const a = new UploadedPart("a", "image/png", [Buffer.from("a")]);
    const b = new UploadedPart("b", "image/png", [Buffer.from("b")]);
    const one: Record<string, unknown> = {};
    const two: Record<string, unknown> = {};
    lazyFileField(one, "image", a);
    lazyFileField(two, "image", b);
    expect(uploadedPart(one, "image")).toBe(a);
    expect(uploadedPart(two, "image")).toBe(b);
    expect((two.image as File).name).toBe("b");
  });

  it("lets a young-generation collection free the upload once the body is gone", async () => {
    // Eight bodies of a 1 MiB upload each, dropped at once (as eight jobs' bodies are when their answers are sent).
    const { made, kept } = await keptAfterYoungGc(() => {
      for (let i = 0; i < 8; i++) {
        lazyFileField({}, "image", new UploadedPart("in.png", "image/png", [Buffer.allocUnsafeSlow(1024 * 1024)]));
      }
    });
    expect(made).toBeGreaterThan(7 * 1024 * 1024);
    // A getter made per body is an accessor pair in the old generation: the uploads stayed until a full collection.
    expect(kept).toBeLessThan(2 * 1024 * 1024);
  });
});
