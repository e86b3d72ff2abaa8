/**
 * @module A tiny ESRGAN-signature upscaler (`input [N,3,H,W]` 0..1 → `output [N,3,sH,sW]`) with deterministic
 * weights: nearest-neighbour upsampling plus a small learned-looking residual (conv 3×3 → ReLU → conv 3×3 →
 * pixel shuffle). Its receptive-field radius is 2 input pixels, which the tiling tests rely on.
 */
import { GraphBuilder } from "../../onnx/index.js";
import { seededWeights } from "./random.js";

/** Receptive-field radius of {@link tinyEsrganModel}, in input pixels (two 3×3 convolutions). */
export const TINY_ESRGAN_RECEPTIVE_RADIUS = 2;

/**
 * Builds the tiny upscaler's ONNX bytes; `io: "float16"` gives the half-precision I/O of fp16 exports.
 * @example await writeFile("model.onnx", tinyEsrganModel(4))
 */
export function tinyEsrganModel(scale = 4, seed = 1234, io: "float32" | "float16" = "float32"): Uint8Array {
  const hidden = 8;
  const g = new GraphBuilder(`tiny-esrgan-x${scale}`);
  const input = g.input("input", io, ["N", 3, "H", "W"]);
  // ONNX TensorProto.DataType FLOAT = 1, FLOAT16 = 10.
  const x = io === "float32" ? input : g.node("Cast", [input], { to: 1 });
  const w1 = g.initializer("conv1.weight", "float32", [hidden, 3, 3, 3], seededWeights(seed, hidden * 27, 0.5));
  const b1 = g.initializer("conv1.bias", "float32", [hidden], seededWeights(seed + 1, hidden, 0.1));
  const out2 = 3 * scale * scale;
  const w2 = g.initializer(
    "conv2.weight",
    "float32",
    [out2, hidden, 3, 3],
    seededWeights(seed + 2, out2 * hidden * 9, 0.05),
  );
  const b2 = g.initializer("conv2.bias", "float32", [out2], seededWeights(seed + 3, out2, 0.01));
  const scales = g.initializer("scales", "float32", [4], new Float32Array([1, 1, scale, scale]));
  const conv = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] };
  const h = g.node("Relu", [g.node("Conv", [x, w1, b1], conv)]);
  const residual = g.node("DepthToSpace", [g.node("Conv", [h, w2, b2], conv)], { blocksize: scale, mode: "DCR" });
  const base = g.node("Resize", [x, "", scales], {
    mode: "nearest",
    coordinate_transformation_mode: "asymmetric",
    nearest_mode: "floor",
  });
  const sum = g.node("Add", [base, residual]);
  const out = io === "float32" ? sum : g.node("Cast", [sum], { to: 10 });
  g.output(out, "output", io, ["N", 3, `H*${scale}`, `W*${scale}`]);
  return g.toBytes({ metadata: { scale: String(scale), architecture: "tiny-esrgan" } });
}
