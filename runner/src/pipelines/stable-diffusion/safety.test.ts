/** @module The safety checker's CLIP input is prepared as CLIPImageProcessor does: shortest side to 224, centre crop, CLIP normalisation. */
import { describe, expect, it } from "vitest";
import { clipInput } from "./safety.js";

const PLANE = 224 * 224;
const clipValue = (v: number, mean: number, std: number) => (v / 255 - mean) / std;

/** A `width`×`height` RGB image whose columns are coloured by `colour(x)`. */
function columns(width: number, height: number, colour: (x: number) => [number, number, number]) {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(colour(x), (y * width + x) * 3);
  return { width, height, pixels };
}

describe("clipInput", () => {
  it("normalises with CLIP's mean and std, plane by plane", async () => {
    const clip = await clipInput(columns(64, 64, () => [255, 128, 0]));
    expect(clip).toHaveLength(3 * PLANE);
    expect(clip[0]).toBeCloseTo(clipValue(255, 0.48145466, 0.26862954), 5);
    expect(clip[PLANE + 1000]).toBeCloseTo(clipValue(128, 0.4578275, 0.26130258), 5);
    expect(clip[2 * PLANE + PLANE - 1]).toBeCloseTo(clipValue(0, 0.40821073, 0.27577711), 5);
  });

  it("keeps the centre square of a wide image (shortest side to 224, then a centre crop)", async () => {
    // 896×448: red left eighth, green middle, blue right eighth → resized to 448×224 (bands 56 px), the centre
    // 224 columns (112..335) are green well away from the bands.
    const wide = columns(896, 448, (x) => (x < 112 ? [255, 0, 0] : x < 784 ? [0, 255, 0] : [0, 0, 255]));
    const clip = await clipInput(wide);
    const green = clipValue(255, 0.4578275, 0.26130258);
    for (const i of [0, 223, 112 * 224 + 112, PLANE - 1]) {
      expect(clip[PLANE + i]).toBeCloseTo(green, 4);
      expect(clip[i]).toBeCloseTo(clipValue(0, 0.48145466, 0.26862954), 4);
    }
  });

  it("shows the bands of an image whose crop includes them", async () => {
    // 448×448 square: no crop, so the red band (left 56 px) is in the input.
    const square = columns(448, 448, (x) => (x < 112 ? [255, 0, 0] : [0, 255, 0]));
    const clip = await clipInput(square);
    expect(clip[0]).toBeCloseTo(clipValue(255, 0.48145466, 0.26862954), 4);
    expect(clip[223]).toBeCloseTo(clipValue(0, 0.48145466, 0.26862954), 4);
  });
});
