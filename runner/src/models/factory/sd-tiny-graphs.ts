/**
 * @module ONNX graphs of the tiny Stable Diffusion components, with the input/output names, dtypes and ranks of
 * Optimum/diffusers exports and the export variants seen in the wild (int32/int64 ids, scalar/[1]/[B] timestep,
 * float/int64 timestep, `latent_sample`/`latent_parameters`, fp16 I/O). Arithmetic: see sd-tiny-weights.ts.
 */
import { GraphBuilder } from "../../onnx/index.js";
import { type TinyTextWeights, UNET_GAMMA, UNET_K, UNET_TAU, UNET_TC, UNET_TE, VAE_LOGVAR } from "./sd-tiny-weights.js";

/** How the float inputs and outputs of a component are typed. */
export type FloatIo = "float32" | "float16";

/**
 * Adds a float input, cast to float32 inside the graph when the I/O is fp16.
 *
 * @example
 * const x = floatInput(g, "sample", "float16", ["batch_size", 4, "height", "width"]);
 */
export function floatInput(g: GraphBuilder, name: string, io: FloatIo, dims: (string | number)[]): string {
  const x = g.input(name, io, dims);
  return io === "float16" ? g.node("Cast", [x], { to: 1 }) : x;
}

/**
 * Declares a float output, cast from float32 when the I/O is fp16.
 *
 * @example
 * floatOutput(g, y, "out_sample", "float16", ["batch_size", 4, "height", "width"]);
 */
export function floatOutput(
  g: GraphBuilder,
  value: string,
  name: string,
  io: FloatIo,
  dims: (string | number)[],
): void {
  g.output(io === "float16" ? g.node("Cast", [value], { to: 10 }) : value, name, io, dims);
}

/**
 * A float32 scalar initializer.
 *
 * @example
 * g.node("Mul", [x, scalar(g, "k", 0.5)]);
 */
export function scalar(g: GraphBuilder, name: string, value: number): string {
  return g.initializer(name, "float32", [], Float32Array.of(value));
}

/**
 * An int64 vector initializer (shapes, axes, slice bounds).
 *
 * @example
 * g.node("Reshape", [x, ints(g, "shape", [-1, 4, 1, 1])]);
 */
export function ints(g: GraphBuilder, name: string, values: number[]): string {
  return g.initializer(name, "int64", [values.length], BigInt64Array.from(values.map(BigInt)));
}

/** Which text encoder of a pipeline: SD's only one, or SDXL's first (CLIPTextModel) / second (…WithProjection). */
export type TextEncoderKind = "sd" | "sdxl-1" | "sdxl-2";

/**
 * A tiny CLIP-like text encoder.
 *
 * @example
 * writeFileSync("text_encoder/model.onnx", tinyTextEncoderGraph(w, { d: 32, pooledDim: 32, kind: "sd", idsType: "int32", io: "float32" }).toBytes());
 */
export function tinyTextEncoderGraph(
  w: TinyTextWeights,
  o: { d: number; pooledDim: number; kind: TextEncoderKind; idsType: "int32" | "int64"; io: FloatIo },
): GraphBuilder {
  const g = new GraphBuilder(`tiny-text-encoder-${o.kind}`);
  const vocab = w.embedding.length / o.d;
  const ids = g.input("input_ids", o.idsType, ["batch_size", "sequence_length"]);
  const emb = g.initializer("text_model.embeddings.token_embedding.weight", "float32", [vocab, o.d], w.embedding);
  const h0 = g.node("Gather", [emb, ids], { axis: 0 }, { name: "/text_model/embeddings/token_embedding/Gather" });
  const wq = g.initializer("onnx::MatMul_1001", "float32", [o.d, o.d], w.wq);
  const h1 = g.node("MatMul", [h0, wq], {}, { name: "/text_model/encoder/layers.0/self_attn/q_proj/MatMul" });
  const h2 = g.node("Add", [g.node("Mul", [h1, scalar(g, "half", 0.5)]), h0]);
  const pooled = g.node("ReduceMean", [h2], { axes: [1], keepdims: 0 });
  const seq = ["batch_size", "sequence_length", o.d];
  const hidden = () => {
    floatOutput(g, h0, "hidden_states.0", o.io, seq);
    floatOutput(g, h1, "hidden_states.1", o.io, seq);
    floatOutput(g, h2, "hidden_states.2", o.io, seq);
  };
  if (o.kind === "sdxl-2") {
    const wp = g.initializer("onnx::MatMul_1002", "float32", [o.d, o.pooledDim], w.projection as Float32Array);
    const textEmbeds = g.node("MatMul", [pooled, wp], {}, { name: "/text_projection/MatMul" });
    floatOutput(g, textEmbeds, "text_embeds", o.io, ["batch_size", o.pooledDim]);
    floatOutput(g, h2, "last_hidden_state", o.io, seq);
    hidden();
  } else {
    floatOutput(g, h2, "last_hidden_state", o.io, seq);
    floatOutput(g, pooled, "pooler_output", o.io, ["batch_size", o.d]);
    if (o.kind === "sdxl-1") hidden();
  }
  return g;
}

/** How the UNet's `timestep` input is declared. */
export interface TimestepVariant {
  shape: "scalar" | "[1]" | "[B]";
  dtype: "float" | "int64";
}

/**
 * A tiny UNet: out_sample = K·sample + mean_tokens(ehs)·Wk + TAU·t (+ SDXL terms).
 *
 * @example
 * tinyUnetGraph(wk, { contextDim: 32, timestep: { shape: "[B]", dtype: "int64" }, io: "float32" });
 */
export function tinyUnetGraph(
  wk: Float32Array,
  o: {
    contextDim: number;
    timestep: TimestepVariant;
    io: FloatIo;
    sdxl?: { pooledDim: number };
    batch?: number;
    /** LCM-distilled UNets take a guidance embedding `timestep_cond [B, dim]`. */
    timestepCond?: number;
  },
): GraphBuilder {
  const g = new GraphBuilder("tiny-unet");
  const batch = o.batch ?? "batch_size";
  const sample = floatInput(g, "sample", o.io, [batch, 4, "height", "width"]);
  const tDims = { scalar: [], "[1]": [1], "[B]": [batch] }[o.timestep.shape];
  const tRaw =
    o.timestep.dtype === "int64"
      ? g.node("Cast", [g.input("timestep", "int64", tDims)], { to: 1 })
      : floatInput(g, "timestep", o.io, tDims);
  const t = o.timestep.shape === "[B]" ? g.node("Reshape", [tRaw, ints(g, "t_shape", [-1, 1, 1, 1])]) : tRaw;
  const ehs = floatInput(g, "encoder_hidden_states", o.io, [batch, "sequence_length", o.contextDim]);
  const ctx = g.node("ReduceMean", [ehs], { axes: [1], keepdims: 0 });
  const wkName = g.initializer("onnx::MatMul_2001", "float32", [o.contextDim, 4], wk);
  const proj = g.node(
    "MatMul",
    [ctx, wkName],
    {},
    { name: "/mid_block/attentions.0/transformer_blocks.0/attn2/to_k/MatMul" },
  );
  const perChannel = g.node("Reshape", [proj, ints(g, "c_shape", [-1, 4, 1, 1])]);
  let out = g.node("Add", [g.node("Mul", [sample, scalar(g, "k", UNET_K)]), perChannel]);
  out = g.node("Add", [out, g.node("Mul", [t, scalar(g, "tau", UNET_TAU)])]);
  if (o.timestepCond) {
    const cond = floatInput(g, "timestep_cond", o.io, ["batch_size", o.timestepCond]);
    const mean = g.node("ReduceMean", [cond], { axes: [1], keepdims: 1 });
    const term = g.node("Mul", [mean, scalar(g, "tc_gain", UNET_TC)]);
    out = g.node("Add", [out, g.node("Reshape", [term, ints(g, "tc_shape", [-1, 1, 1, 1])])]);
  }
  if (o.sdxl) {
    const te = floatInput(g, "text_embeds", o.io, ["batch_size", o.sdxl.pooledDim]);
    const ids = floatInput(g, "time_ids", o.io, ["batch_size", 6]);
    const teTerm = g.node("Mul", [
      g.node("ReduceMean", [te], { axes: [1], keepdims: 1 }),
      scalar(g, "te_gain", UNET_TE),
    ]);
    const idTerm = g.node("Mul", [
      g.node("ReduceSum", [ids, ints(g, "sum_axes", [1])], { keepdims: 1 }),
      scalar(g, "gamma", UNET_GAMMA),
    ]);
    const extra = g.node("Reshape", [g.node("Add", [teTerm, idTerm]), ints(g, "b_shape", [-1, 1, 1, 1])]);
    out = g.node("Add", [out, extra]);
  }
  floatOutput(g, out, "out_sample", o.io, ["batch_size", 4, "height", "width"]);
  return g;
}

/**
 * A tiny VAE encoder: `sample [B,3,H,W]` → 8×8 average pool (+ a fourth channel, the RGB mean), output `latent_sample`,
 * or `latent_parameters` = mean ‖ logvar (logvar = VAE_LOGVAR everywhere).
 *
 * @example
 * tinyVaeEncoderGraph({ output: "latent_parameters", io: "float32" });
 */
export function tinyVaeEncoderGraph(o: { output: "latent_sample" | "latent_parameters"; io: FloatIo }): GraphBuilder {
  const g = new GraphBuilder("tiny-vae-encoder");
  const x = floatInput(g, "sample", o.io, ["batch_size", 3, "height", "width"]);
  const pooled = g.node("AveragePool", [x], { kernel_shape: [8, 8], strides: [8, 8] });
  const mean = g.node("Concat", [pooled, g.node("ReduceMean", [pooled], { axes: [1], keepdims: 1 })], { axis: 1 });
  const dims = ["batch_size", o.output === "latent_sample" ? 4 : 8, "height/8", "width/8"];
  if (o.output === "latent_sample") {
    floatOutput(g, mean, "latent_sample", o.io, dims);
  } else {
    const logvar = g.node("Add", [g.node("Mul", [mean, scalar(g, "zero", 0)]), scalar(g, "logvar", VAE_LOGVAR)]);
    floatOutput(g, g.node("Concat", [mean, logvar], { axis: 1 }), "latent_parameters", o.io, dims);
  }
  return g;
}

/**
 * A tiny VAE decoder: `latent_sample [B,4,h,w]` → its first three channels, nearest-upsampled ×8, as `sample`.
 *
 * @example
 * tinyVaeDecoderGraph({ io: "float32" });
 */
export function tinyVaeDecoderGraph(o: { io: FloatIo }): GraphBuilder {
  const g = new GraphBuilder("tiny-vae-decoder");
  const z = floatInput(g, "latent_sample", o.io, ["batch_size", 4, "latent_height", "latent_width"]);
  const rgb = g.node("Slice", [z, ints(g, "starts", [0]), ints(g, "ends", [3]), ints(g, "axes", [1])]);
  const scales = g.initializer("scales", "float32", [4], Float32Array.of(1, 1, 8, 8));
  const up = g.node("Resize", [rgb, "", scales], {
    mode: "nearest",
    coordinate_transformation_mode: "asymmetric",
    nearest_mode: "floor",
  });
  floatOutput(g, up, "sample", o.io, ["batch_size", 3, "height", "width"]);
  return g;
}

/**
 * A tiny safety checker with the diffusers ONNX signature (`clip_input [B,3,224,224]`, `images [B,H,W,3]` →
 * `out_images`, `has_nsfw_concepts [B]`): it flags an image whose mean pixel value exceeds 0.9 (a "too bright" rule
 * that tests can trigger on purpose).
 *
 * @example
 * tinySafetyCheckerGraph();
 */
export function tinySafetyCheckerGraph(threshold = 0.9, io: FloatIo = "float32"): GraphBuilder {
  const g = new GraphBuilder("tiny-safety-checker");
  floatInput(g, "clip_input", io, ["batch_size", 3, 224, 224]);
  const images = floatInput(g, "images", io, ["batch_size", "height", "width", 3]);
  const mean = g.node("ReduceMean", [images], { axes: [1, 2, 3], keepdims: 0 });
  const flagged = g.node("Greater", [mean, g.initializer("threshold", "float32", [], Float32Array.of(threshold))]);
  floatOutput(g, images, "out_images", io, ["batch_size", "height", "width", 3]);
  g.output(flagged, "has_nsfw_concepts", "bool", ["batch_size"]);
  return g;
}
