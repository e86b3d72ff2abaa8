/**
 * @module Inputs smaller than the model's receptive field keep their colours on the real slim ×4 model: a side
 * shorter than `2 × tile_overlap + 1` px is padded to that length by repeating its edge pixels and the result cropped,
 * so the convolutions' zero padding no longer outweighs the few real pixels (a 1×1 image came back almost black).
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeDataUrl, servedRunner, upscaleForm } from "./helpers.js";

const MODEL = "upscalerjs/esrgan-slim-x4";

/** A `width`×`height` PNG of one colour. */
async function uniform(width: number, height: number, rgb: number[]) {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rgb[i % 3]!;
  return new Uint8Array(
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

describe("small inputs through real ESRGAN weights", () => {
  const { server } = servedRunner([MODEL], { modelId: MODEL });
  const sizes = [
    [1, 1],
    [2, 2],
    [3, 5],
    [7, 1],
  ] as const;
  const colours = [
    [200, 120, 40],
    [30, 160, 220],
  ];

  for (const [width, height] of sizes) {
    it(`keeps the colour of a uniform ${width}×${height} image, ×4 in size`, async () => {
      for (const colour of colours) {
        const res = await fetch(`${server().url}/upscale`, {
          method: "POST",
          body: upscaleForm(await uniform(width, height, colour)),
        });
        expect(res.status).toBe(200);
        const out = await decodeDataUrl((await res.json()).images[0].url);
        expect([out.width, out.height, out.channels]).toEqual([width * 4, height * 4, 3]);
        let worst = 0;
        for (let i = 0; i < out.pixels.length; i++) worst = Math.max(worst, Math.abs(out.pixels[i]! - colour[i % 3]!));
        // Slim shifts colours by a level or two on any image (see upscale-quality.test.ts); darkening is far larger.
        expect(worst, `${width}×${height} in ${colour}`).toBeLessThanOrEqual(4);
      }
    });
  }
});
