/** @module The test kit's fixtures checked against independent readers: zlib for PNGs, ffprobe for videos, the platform's multipart parser for forms. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  eventually,
  form,
  png,
  pngClaiming,
  pngSize,
  probeVideo,
  testVideo,
  upscaleForm,
  workspaceRoot,
} from "../src/index.js";

/** The raw scanlines of a PNG written by the kit (one IDAT). */
function scanlines(bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes);
  const at = b.indexOf("IDAT", 8, "latin1");
  return inflateSync(b.subarray(at + 4, at + 4 + b.readUInt32BE(at - 4)));
}

describe("png", () => {
  it("has structure in every channel: gradients in red and green, a checker in blue", () => {
    const bytes = png(16, 8);
    expect(pngSize(bytes)).toEqual({ width: 16, height: 8 });
    const raw = scanlines(bytes);
    const px = (x: number, y: number) => [...raw.subarray(y * 49 + 1 + x * 3, y * 49 + 4 + x * 3)];
    expect(px(0, 0)).toEqual([0, 0, 0]);
    expect(px(15, 7)).toEqual([255, 255, (15 ^ 7) * 16]);
    expect(px(1, 0)[2]).toBe(16);
  });

  it("makes a header that claims a size its data does not hold", () => {
    const bomb = pngClaiming(50_000, 40_000);
    expect(pngSize(bomb)).toEqual({ width: 50_000, height: 40_000 });
    expect(scanlines(bomb).length).toBe(64);
  });

  it("refuses to size what is not a PNG", () => {
    expect(() => pngSize(new TextEncoder().encode("GIF89a......................"))).toThrow(/^not a PNG/);
  });
});

describe("testVideo", () => {
  it("writes an H.264 yuv420p mp4 with the frames, size and rate asked for", async () => {
    const mp4 = await testVideo({ width: 64, height: 48, frames: 12, fps: 12 });
    expect(Buffer.from(mp4.subarray(4, 8)).toString("latin1")).toBe("ftyp");
    expect(await probeVideo(mp4)).toEqual({
      width: 64,
      height: 48,
      frames: 12,
      fps: 12,
      codec: "h264",
      pixelFormat: "yuv420p",
    });
  }, 60_000);
});

describe("forms", () => {
  it("sends bytes as file parts named by their kind, everything else as text", async () => {
    const image = png(4, 4);
    const parsed = await new Response(
      form({ prompt: "p", seed: 3, safety_check: false, blob: new Uint8Array([1, 2]), image }),
    ).formData();
    expect(parsed.get("prompt")).toBe("p");
    expect(parsed.get("seed")).toBe("3");
    expect(parsed.get("safety_check")).toBe("false");
    const file = parsed.get("image") as File;
    expect([file.name, file.type, file.size]).toEqual(["image.png", "image/png", image.length]);
    expect((parsed.get("blob") as File).name).toBe("blob.bin");
    const up = await new Response(upscaleForm("tiny/x", image, { seed: 1 })).formData();
    expect([...up.keys()]).toEqual(["model_id", "prompt", "image", "seed"]);
  });
});

describe("eventually and the workspace", () => {
  it("resolves with the first truthy value, and names what never happened", async () => {
    let n = 0;
    expect(await eventually(() => (++n >= 3 ? n : undefined), 2000)).toBe(3);
    await expect(eventually(() => false, 250, "the impossible")).rejects.toThrow(
      "the impossible not reached within 250 ms",
    );
  });

  it("finds the workspace root", () => {
    expect(existsSync(join(workspaceRoot(), "pnpm-workspace.yaml"))).toBe(true);
  });
});
