/**
 * @module ONNX graphs of the tiny Stable Video Diffusion components, with the input/output names, dtypes and ranks of
 * SVD's ONNX exports: the CLIP image encoder (`pixel_values` → `image_embeds`, `last_hidden_state`), the
 * spatio-temporal UNet (`sample [B,F,8,h,w]`, `timestep`, `encoder_hidden_states [B,1,D]`, `added_time_ids [B,3]` →
 * `out_sample [B,F,4,h,w]`) and the temporal VAE decoder (`latent_sample [N,4,h,w]`, `num_frames` → `sample`).
 * Export variants: fp16 I/O, scalar/[1]/[B] timestep, a fixed or symbolic frame count, int64 or float `num_frames`
 * as a scalar or [1]. Arithmetic: see svd-tiny-weights.ts.
 */
import { GraphBuilder } from "../../onnx/index.js";
import { type CostPath, zeroCostPath } from "./cost-path.js";
import { type FloatIo, floatInput, floatOutput, ints, scalar, type TimestepVariant } from "./sd-tiny-graphs.js";
import {
  SVD_CLIP_FEATURES,
  SVD_CLIP_POOL,
  SVD_CLIP_SIDE,
  SVD_DECODER_FRAMES,
  SVD_DECODER_MIX,
  SVD_EMBED_DIM,
  SVD_UNET_K,
  SVD_UNET_L,
  SVD_UNET_TAU,
  type TinySvdWeights,
} from "./svd-tiny-weights.js";

/**
 * A tiny CLIP vision encoder with projection: `pixel_values [B,3,224,224]` → `image_embeds [B,D]` (and the 64 pooled
 * cells as `last_hidden_state [B,64,3]`, which the pipeline must not confuse with the embeddings).
 *
 * @example
 * tinyImageEncoderGraph(weights, "float32").toBytes();
 */
export function tinyImageEncoderGraph(w: TinySvdWeights, io: FloatIo): GraphBuilder {
  const g = new GraphBuilder("tiny-svd-image-encoder");
  const x = floatInput(g, "pixel_values", io, ["batch_size", 3, SVD_CLIP_SIDE, SVD_CLIP_SIDE]);
  const pooled = g.node("AveragePool", [x], {
    kernel_shape: [SVD_CLIP_POOL, SVD_CLIP_POOL],
    strides: [SVD_CLIP_POOL, SVD_CLIP_POOL],
  });
  const flat = g.node("Reshape", [pooled, ints(g, "flat_shape", [-1, SVD_CLIP_FEATURES])]);
  const proj = g.initializer("visual_projection.weight", "float32", [SVD_CLIP_FEATURES, SVD_EMBED_DIM], w.image);
  floatOutput(g, g.node("MatMul", [flat, proj]), "image_embeds", io, ["batch_size", SVD_EMBED_DIM]);
  const cells = g.node("Reshape", [pooled, ints(g, "cells_shape", [-1, 3, SVD_CLIP_FEATURES / 3])]);
  const tokens = g.node("Transpose", [cells], { perm: [0, 2, 1] });
  floatOutput(g, tokens, "last_hidden_state", io, ["batch_size", SVD_CLIP_FEATURES / 3, 3]);
  return g;
}

/** How a tiny UNet is exported. */
export interface TinySvdUnetOptions {
  /** A fixed frame count in the `sample` shape, or "dynamic" (a symbolic `num_frames` dim; config.json says it). */
  frames: number | "dynamic";
  timestep: TimestepVariant["shape"];
  io: FloatIo;
  /**
   * A compute path with a real UNet's cost and no effect on the output (`tiny/svd-conv`): 3×3 convolutions over
   * every frame of `sample` at latent resolution (8 → channels → … → 4), the last one's weights all zero, added to
   * `out_sample`; see cost-path.ts.
   */
  costPath?: CostPath;
}

/**
 * A tiny spatio-temporal UNet: per frame, a 4×8 matrix over the 8 channels (K on the noisy latents, L on the image
 * latents) plus a per-batch, per-channel bias from the image embeddings, the added time ids and the timestep. Two
 * full-size operators (MatMul, Add), so a 25-frame 1024×576 step costs little time and memory.
 *
 * @example
 * tinySvdUnetGraph(weights, { frames: 14, timestep: "scalar", io: "float32" });
 */
export function tinySvdUnetGraph(w: TinySvdWeights, o: TinySvdUnetOptions): GraphBuilder {
  const g = new GraphBuilder("tiny-svd-unet");
  const frames = o.frames === "dynamic" ? "num_frames" : o.frames;
  const sample = floatInput(g, "sample", o.io, ["batch_size", frames, 8, "height", "width"]);
  const tDims = { scalar: [], "[1]": [1], "[B]": ["batch_size"] }[o.timestep];
  const t = floatInput(g, "timestep", o.io, tDims);
  const ehs = floatInput(g, "encoder_hidden_states", o.io, ["batch_size", 1, SVD_EMBED_DIM]);
  const ids = floatInput(g, "added_time_ids", o.io, ["batch_size", 3]);

  // [B,F,8,h,w] → [B,F,8,h·w]; W [4,8] · that → [B,F,4,h·w]; + bias [B,1,4,1]; → [B,F,4,h,w]
  const shape = g.node("Shape", [sample]);
  const slice = (name: string, from: number, to: number) =>
    g.node("Slice", [shape, ints(g, `${name}_start`, [from]), ints(g, `${name}_end`, [to])]);
  const flat = g.node("Reshape", [sample, g.node("Concat", [slice("bf8", 0, 3), ints(g, "rest", [-1])], { axis: 0 })]);
  const mix = new Float32Array(4 * 8);
  for (let c = 0; c < 4; c++) {
    mix[c * 8 + c] = SVD_UNET_K;
    mix[c * 8 + 4 + c] = SVD_UNET_L;
  }
  const perFrame = g.node("MatMul", [g.initializer("conv_in.weight", "float32", [4, 8], mix), flat]);

  const wk = g.initializer("onnx::MatMul_3001", "float32", [SVD_EMBED_DIM, 4], w.wk);
  const wt = g.initializer("add_embedding.linear_1.weight", "float32", [3, 4], w.wt);
  const fromImage = g.node("Reshape", [g.node("MatMul", [ehs, wk]), ints(g, "b_shape", [-1, 4])]);
  let bias = g.node("Add", [fromImage, g.node("MatMul", [ids, wt])]);
  const tCol = o.timestep === "[B]" ? g.node("Reshape", [t, ints(g, "t_col", [-1, 1])]) : t;
  bias = g.node("Add", [bias, g.node("Mul", [tCol, scalar(g, "tau", SVD_UNET_TAU)])]);
  const biased = g.node("Add", [perFrame, g.node("Reshape", [bias, ints(g, "bias4", [-1, 1, 4, 1])])]);
  const outShape = g.node("Concat", [slice("bf", 0, 2), ints(g, "four", [4]), slice("hw", 3, 5)], { axis: 0 });
  let out = g.node("Reshape", [biased, outShape]);
  if (o.costPath) {
    // [B,F,8,h,w] → [B·F,8,h,w] → the path → [B·F,4,h,w] → [B,F,4,h,w], all zeros, added.
    const images = g.node("Reshape", [
      sample,
      g.node("Concat", [ints(g, "bf", [-1]), slice("chw", 2, 5)], { axis: 0 }),
    ]);
    const zero = zeroCostPath(g, images, o.costPath, { inChannels: 8, outChannels: 4 });
    out = g.node("Add", [out, g.node("Reshape", [zero, outShape])]);
  }
  floatOutput(g, out, "out_sample", o.io, ["batch_size", frames, 4, "height", "width"]);
  return g;
}

/** How the temporal decoder's `num_frames` input is declared ("none": an export without it). */
export interface NumFramesVariant {
  dtype: "int64" | "float";
  shape: "scalar" | "[1]";
}

/**
 * A tiny temporal VAE decoder: `latent_sample [N,4,h,w]` and `num_frames` → `sample [N,3,8h,8w]` (see the module note
 * of svd-tiny-weights.ts for its arithmetic and why it checks the frame count).
 *
 * @example
 * tinyTemporalDecoderGraph({ io: "float32", numFrames: { dtype: "int64", shape: "scalar" } });
 */
export function tinyTemporalDecoderGraph(o: { io: FloatIo; numFrames: NumFramesVariant | "none" }): GraphBuilder {
  const g = new GraphBuilder("tiny-svd-temporal-decoder");
  const z = floatInput(g, "latent_sample", o.io, ["num_latents", 4, "latent_height", "latent_width"]);
  const shape = g.node("Shape", [z]);
  const dim = (name: string, i: number) =>
    g.node("Slice", [shape, ints(g, `${name}_start`, [i]), ints(g, `${name}_end`, [i + 1])]);
  const [n, h, w] = [dim("n", 0), dim("h", 2), dim("w", 3)];
  // rgb_c = z_c + MIX·z_3 at latent resolution: [3,4] · [N,4,h·w] → [N,3,h·w]
  const mix = new Float32Array(3 * 4);
  for (let c = 0; c < 3; c++) {
    mix[c * 4 + c] = 1;
    mix[c * 4 + 3] = SVD_DECODER_MIX;
  }
  const flat = g.node("Reshape", [z, g.node("Concat", [n, ints(g, "four", [4]), ints(g, "rest", [-1])], { axis: 0 })]);
  let rgb = g.node("MatMul", [g.initializer("decoder.conv_out.weight", "float32", [3, 4], mix), flat]);
  if (o.numFrames !== "none") {
    const dims = o.numFrames.shape === "scalar" ? [] : [1];
    const declared =
      o.numFrames.dtype === "int64"
        ? g.node("Cast", [g.input("num_frames", "int64", dims)], { to: 1 })
        : floatInput(g, "num_frames", o.io, dims);
    const given = g.node("Cast", [g.node("Reshape", [n, ints(g, "scalar_shape", [])])], { to: 1 });
    const wrong = g.node("Sub", [declared, given]);
    rgb = g.node("Add", [rgb, g.node("Mul", [wrong, scalar(g, "frames_gain", SVD_DECODER_FRAMES)])]);
  }
  // Nearest ×8: [N,3,h,1,w,1] expanded to [N,3,h,8,w,8], read as [N,3,8h,8w] (one full-size copy, no Resize).
  const eight = ints(g, "eight", [8]);
  const one = ints(g, "one", [1]);
  const three = ints(g, "three", [3]);
  const cells = g.node("Reshape", [rgb, g.node("Concat", [n, three, h, one, w, one], { axis: 0 })]);
  const blocks = g.node("Expand", [cells, g.node("Concat", [n, three, h, eight, w, eight], { axis: 0 })]);
  const full = g.node("Concat", [n, three, g.node("Mul", [h, eight]), g.node("Mul", [w, eight])], { axis: 0 });
  floatOutput(g, g.node("Reshape", [blocks, full]), "sample", o.io, ["num_latents", 3, "height", "width"]);
  return g;
}
