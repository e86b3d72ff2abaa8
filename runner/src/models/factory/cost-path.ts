/**
 * @module The "cost path" of the synthetic benchmark models (`tiny/film-conv`, `tiny/svd-conv`): a stack of 3×3
 * convolutions with a real model's arithmetic whose last layer's weights are all zero, added to a tiny model's
 * output. Its output is exactly 0, so the model computes what its tiny twin computes (the tests' exact references
 * hold) while `session.run` weighs like a model's, and a benchmark can show a route's overhead at that weight.
 */
import type { GraphBuilder } from "../../onnx/index.js";
import { seededWeights } from "./random.js";

/** The size of a cost path: `layers` convolutions (≥ 2), `channels` wide between the first and the last. */
export interface CostPath {
  channels: number;
  layers: number;
}

/**
 * GFLOP (multiply and add counted as two) of one run of `path` on `images` images of `width` × `height` with
 * `inChannels` channels in and `outChannels` out.
 * @example costPathGflop({ channels: 32, layers: 4 }, 1024, 576) // ≈ 23.8 (one RGB frame in, RGB out)
 */
export function costPathGflop(
  path: CostPath,
  width: number,
  height: number,
  { inChannels = 3, outChannels = 3, images = 1 } = {},
): number {
  const c = path.channels;
  const macsPerPixel = 9 * (inChannels * c + (path.layers - 2) * c * c + c * outChannels);
  return (2 * macsPerPixel * width * height * images) / 1e9;
}

/**
 * Appends `path` to `g` on `x` (float32, NCHW with `inChannels` channels) and returns its output: NCHW,
 * `outChannels` channels, the same height and width, every value 0. ReLU between the layers; small seeded weights
 * keep every activation finite (0 · ∞ would not be 0); the last layer's weights and every bias are zero.
 * @example const zero = zeroCostPath(g, frame, { channels: 32, layers: 4 }, { inChannels: 3, outChannels: 3 });
 */
export function zeroCostPath(
  g: GraphBuilder,
  x: string,
  path: CostPath,
  { inChannels, outChannels, seed = 100 }: { inChannels: number; outChannels: number; seed?: number },
): string {
  const { channels, layers } = path;
  if (!Number.isInteger(layers) || layers < 2 || !Number.isInteger(channels) || channels < 1) {
    throw new RangeError(`a cost path needs ≥ 2 layers and ≥ 1 channel, got ${layers} and ${channels}`);
  }
  let y = x;
  for (let i = 0; i < layers; i++) {
    const last = i === layers - 1;
    const [cin, cout] = [i === 0 ? inChannels : channels, last ? outChannels : channels];
    const weights = last
      ? new Float32Array(cout * cin * 9)
      : seededWeights(seed + i, cout * cin * 9, 0.5 / Math.sqrt(cin * 9));
    const w = g.initializer(`cost_conv${i}.weight`, "float32", [cout, cin, 3, 3], weights);
    const b = g.initializer(`cost_conv${i}.bias`, "float32", [cout], new Float32Array(cout));
    y = g.node("Conv", [y, w, b], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    if (!last) y = g.node("Relu", [y]);
  }
  return y;
}
