/** @module Which uploads the runner refuses from their first bytes, and with what: its image fields, as the decoder. */
import { describe, expect, it } from "vitest";
import { decodeImage } from "../image/decode.js";
import { uploadChecks } from "./upload-checks.js";

const limits = { maxSide: 64, maxPixels: 4096 };

describe("uploadChecks", () => {
  it("checks every image field of the pipeline and no video field", () => {
    expect(Object.keys(uploadChecks("upscale"))).toEqual(["image"]);
    expect(Object.keys(uploadChecks("image-to-video"))).toEqual(["image"]);
    expect(Object.keys(uploadChecks("frame-interpolation")).sort()).toEqual(["first_image", "last_image"]);
    expect(uploadChecks("video-upscale")).toEqual({});
    expect(uploadChecks("text-to-image")).toEqual({});
  });

  it("refuses what the decoder refuses with 415, with its message, and lets the rest through", async () => {
    const { first_image: check } = uploadChecks("frame-interpolation");
    const zip = Buffer.from("PK\x03\x04\x14\x00\x00\x00\x08\x00");
    const refusal = check!.check(zip.subarray(0, check!.bytes), "first_image");
    expect([refusal?.status, refusal?.message]).toEqual([
      415,
      "first_image must be a PNG, JPEG or WebP file; its bytes start with 50 4b 03 04 14 00 00 00",
    ]);
    await expect(decodeImage(zip, limits, "first_image")).rejects.toThrow(refusal!.message);
    // A part shorter than the look-ahead is judged on what it has, as the decoder judges the whole file.
    expect(check!.check(Buffer.from("GIF"), "image")?.message).toBe(
      "image must be a PNG, JPEG or WebP file; its bytes start with 47 49 46",
    );
    expect(check!.check(Buffer.from([0xff, 0xd8, 0xff]), "image")).toBeUndefined();
    expect(check!.check(Buffer.from("RIFF\0\0\0\0WEBP"), "image")).toBeUndefined();
    expect(check!.check(new Uint8Array(0), "image")).toBeUndefined();
  });
});
