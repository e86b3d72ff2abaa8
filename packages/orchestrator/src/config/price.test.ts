/**
 * @module Price bounds: absurd prices (huge exponents, -0, more digits than a double keeps, hex) are refused at start
 * with the allowed range, and what a job costs at the bounds — price_per_unit × units ÷ pixels_per_unit — stays a
 * finite, normal double for the largest job the spec allows and for 2^53 − 1 units.
 */
import { workUnits } from "@ai-video-subnet/server-kit";
import { describe, expect, it } from "vitest";
import { PIPELINES } from "../generated/orchestrator-pipelines.js";
import { parseAiModels } from "./ai-models.js";
import { MAX_PIXELS_PER_UNIT, MAX_PRICE, MIN_PRICE } from "./price.js";

const parse = (price: unknown, pixels?: unknown) =>
  parseAiModels([{ pipeline: "upscale", model_id: "a", price_per_unit: price, pixels_per_unit: pixels }], ["upscale"])
    .entries[0]!;
const RANGE = "price_per_unit must be 0, or a decimal from 1e-18 to 1e15 with at most 15 significant digits";
/** The smallest normal double: below it a double keeps fewer significant bits. */
const MIN_NORMAL = 2.2250738585072014e-308;

describe("price_per_unit and pixels_per_unit bounds", () => {
  it.each([
    [1e308, `${RANGE}, got 1e+308`],
    ["1e308", `${RANGE}, got "1e308"`],
    ["1e400", `${RANGE}, got "1e400"`],
    [1e16, `${RANGE}, got 10000000000000000`],
    [1e-19, `${RANGE}, got 1e-19`],
    [-0, `${RANGE} (not -0: write 0), got -0`],
    ["-0", `${RANGE} (not -0: write 0), got "-0"`],
    ["-0.0e3", `${RANGE} (not -0: write 0), got "-0.0e3"`],
    [
      0.12345678901234568,
      `${RANGE} (a double keeps 15 significant digits; the rest would be advertised rounded), got 0.12345678901234568`,
    ],
    [
      "4768371.000000000001",
      `${RANGE} (a double keeps 15 significant digits; the rest would be advertised rounded), got "4768371.000000000001"`,
    ],
    ["0x10", `${RANGE}, got "0x10"`],
    ["1_000", `${RANGE}, got "1_000"`],
    ["Infinity", `${RANGE}, got "Infinity"`],
    // Livepeer reads a string price as Go's big.Rat does, which takes no spaces: " 5" is not a plain decimal.
    [" 5", `${RANGE}, got " 5"`],
    ["5\n", `${RANGE}, got "5\\n"`],
  ])("refuses price_per_unit %j", (price, message) => {
    expect(() => parse(price)).toThrow(`aiModels.json entry 0 (upscale "a"): ${message}`);
  });

  it.each([
    [2 ** 53, "9007199254740992"],
    [1e308, "1e+308"],
    ["0x10", '"0x10"'],
    [" 10", '" 10"'],
    [1.5, "1.5"],
  ])("refuses pixels_per_unit %j", (pixels, shown) => {
    expect(() => parse(1, pixels)).toThrow(
      `pixels_per_unit must be an integer from 1 to 9007199254740991 (2^53 − 1), got ${shown}`,
    );
  });

  it.each([
    [0, 0],
    ["0", 0],
    [4768371, 4768371],
    ["0.5e-11", 5e-12],
    [MIN_PRICE, 1e-18],
    [MAX_PRICE, 1e15],
    ["123456789012345", 123456789012345],
    ["0.100000000000000000", 0.1],
  ])("accepts price_per_unit %j", (price, value) => {
    expect(parse(price).pricePerUnit).toBe(value);
  });

  it("keeps what the largest job costs at the bounds finite and normal", async () => {
    // The spec's largest text-to-image: 4096 × 4096 pixels, 1000 steps, 16 images.
    const largest = await workUnits(PIPELINES["text-to-image"], {
      width: 4096,
      height: 4096,
      num_inference_steps: 1000,
      num_images_per_prompt: 16,
    });
    expect(largest).toBe(4096 * 4096 * 1000 * 16);
    for (const units of [1, largest, Number.MAX_SAFE_INTEGER]) {
      for (const price of [MIN_PRICE, MAX_PRICE]) {
        for (const pixels of [1, MAX_PIXELS_PER_UNIT]) {
          const cost = (price * units) / pixels;
          expect(Number.isFinite(cost)).toBe(true);
          expect(cost).toBeGreaterThanOrEqual(MIN_NORMAL);
          // The whole double precision: multiplying back gives the price within one rounding of each step.
          expect(Math.abs((cost * pixels) / units - price) / price).toBeLessThan(2 ** -50);
        }
      }
    }
    // What the bounds keep out: 1e308, accepted before, costs Infinity for the largest job.
    expect((1e308 * largest) / 1).toBe(Number.POSITIVE_INFINITY);
  });
});
