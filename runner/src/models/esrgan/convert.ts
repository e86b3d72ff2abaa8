/**
 * @module Exact conversion of the UpscalerJS ESRGAN layers models (`@upscalerjs/esrgan-slim|medium|thick`) to the
 * Real-ESRGAN-style ONNX signature `input [N,3,H,W]` 0..1 → `output [N,3,sH,sW]`. Their graphs only use Conv2D
 * (stride 1, same/valid padding, linear activation), ReLU, Concatenate, Add, UpSampling2D (nearest), a ×0.2
 * `MultiplyBeta` and `PixelShuffle` (TF `depth_to_space`, which is ONNX `DepthToSpace` in DCR mode). NHWC becomes
 * NCHW: kernels `[kh,kw,in,out]` → `[out,in,kh,kw]`, channel axis 3 → 1. The RDN models (slim, medium) work on
 * 0..255 pixels, so the graph scales its input by 255 and its output by 1/255; the RRDN model (thick) works on 0..1.
 */
import { GraphBuilder } from "../../onnx/index.js";
import type { KerasLayer, LayersModel } from "./tfjs-layers.js";

/** Options of {@link convertEsrganLayers}. */
export interface EsrganConversion {
  /** The value range the layers model expects and returns: 255 for RDN (slim, medium), 1 for RRDN (thick). */
  pixelRange: 1 | 255;
  name: string;
  metadata?: Record<string, string>;
}

/** `[kh, kw, in, out]` → `[out, in, kh, kw]`. */
function kernelToOnnx(shape: number[], data: Float32Array): { dims: number[]; data: Float32Array } {
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o]!;
  return { dims: [cout, cin, kh, kw], data: out };
}

function inputsOf(layer: KerasLayer): string[] {
  if (layer.inbound_nodes.length !== 1) {
    throw new Error(
      `layer ${layer.name} is called ${layer.inbound_nodes.length} times; shared layers are not supported`,
    );
  }
  return layer.inbound_nodes[0]!.map(([name, node, tensor]) => {
    if (node !== 0 || tensor !== 0) throw new Error(`layer ${layer.name}: multi-output inbound ${name} not supported`);
    return name;
  });
}

function pair(v: unknown, what: string): [number, number] {
  const a = v as number[];
  if (!Array.isArray(a) || a.length !== 2) throw new Error(`${what} must be a pair, got ${JSON.stringify(v)}`);
  return [a[0]!, a[1]!];
}

/** The ONNX model and facts about it. */
export interface ConvertedEsrgan {
  onnx: Uint8Array;
  scale: number;
  /**
   * Receptive-field radius in input pixels: how far an output pixel can see. Tiles with at least this much
   * context give exactly the untiled result.
   */
  receptiveRadius: number;
}

/**
 * Converts a loaded ESRGAN layers model into ONNX bytes with a symbolic `[N,3,H,W]` input.
 * @example
 * const { onnx, scale } = convertEsrganLayers(await readLayersModel(path), { pixelRange: 255, name: "esrgan-slim-x4" });
 */
export function convertEsrganLayers(model: LayersModel, options: EsrganConversion): ConvertedEsrgan {
  const g = new GraphBuilder(options.name);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error("expected one input and one output");
  const values = new Map<string, string>();
  // Per value: its resolution relative to the input, and how far (in input px) its pixels see.
  const reach = new Map<string, { scale: number; radius: number }>([[model.inputs[0]!, { scale: 1, radius: 0 }]]);
  const input = g.input("input", "float32", ["N", 3, "H", "W"]);
  values.set(
    model.inputs[0]!,
    options.pixelRange === 1
      ? input
      : g.node("Mul", [input, g.initializer("pixel_range", "float32", [], new Float32Array([options.pixelRange]))]),
  );
  let scale = 1;
  const get = (name: string) => {
    const v = values.get(name);
    if (!v) throw new Error(`layer input ${name} is not computed yet (graph not in topological order)`);
    return v;
  };
  for (const layer of model.layers) {
    if (layer.class_name === "InputLayer") continue;
    const inNames = inputsOf(layer);
    const ins = inNames.map(get);
    const c = layer.config;
    const from = inNames.map((n) => reach.get(n)!);
    let here = { scale: from[0]!.scale, radius: Math.max(...from.map((r) => r.radius)) };
    let out: string;
    switch (layer.class_name) {
      case "Conv2D": {
        const [kh, kw] = pair(c.kernel_size, `${layer.name}.kernel_size`);
        if (pair(c.strides, "strides").some((s) => s !== 1) || pair(c.dilation_rate, "dilation").some((d) => d !== 1)) {
          throw new Error(`${layer.name}: only stride 1, dilation 1 convolutions are supported`);
        }
        if (c.activation !== "linear" && c.activation !== "relu") {
          throw new Error(`${layer.name}: unsupported activation ${String(c.activation)}`);
        }
        if (c.padding === "same" && (kh % 2 === 0 || kw % 2 === 0)) throw new Error(`${layer.name}: even same-padding`);
        const pads = c.padding === "same" ? [(kh - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kw - 1) / 2] : [0, 0, 0, 0];
        const k = model.weights.get(`${layer.name}/kernel`);
        if (!k) throw new Error(`${layer.name}: no kernel weights`);
        const w = kernelToOnnx(k.shape, k.data);
        const conv = [ins[0]!, g.initializer(`${layer.name}.weight`, "float32", w.dims, w.data)];
        if (c.use_bias !== false) {
          const b = model.weights.get(`${layer.name}/bias`);
          if (!b) throw new Error(`${layer.name}: no bias weights`);
          conv.push(g.initializer(`${layer.name}.bias`, "float32", b.shape, b.data));
        }
        out = g.node("Conv", conv, { kernel_shape: [kh, kw], pads }, { name: layer.name });
        here = { ...here, radius: here.radius + (Math.max(kh, kw) - 1) / 2 / here.scale };
        if (c.activation === "relu") out = g.node("Relu", [out]);
        break;
      }
      case "Activation":
        if (c.activation !== "relu") throw new Error(`${layer.name}: unsupported activation ${String(c.activation)}`);
        out = g.node("Relu", ins, {}, { name: layer.name });
        break;
      case "Concatenate":
        if (c.axis !== 3 && c.axis !== -1) throw new Error(`${layer.name}: only channel concatenation is supported`);
        out = g.node("Concat", ins, { axis: 1 }, { name: layer.name });
        break;
      case "Add":
        out = ins.slice(1).reduce((acc, x) => g.node("Add", [acc, x]), ins[0]!);
        break;
      case "MultiplyBeta": {
        const beta = g.initializer(`${layer.name}.beta`, "float32", [], new Float32Array([Number(c.beta ?? 0.2)]));
        out = g.node("Mul", [ins[0]!, beta], {}, { name: layer.name });
        break;
      }
      case "UpSampling2D": {
        const [sy, sx] = pair(c.size, `${layer.name}.size`);
        if (c.interpolation !== "nearest" || sy !== sx)
          throw new Error(`${layer.name}: only square nearest upsampling`);
        scale *= sy;
        here = { ...here, scale: here.scale * sy };
        const scales = g.initializer(`${layer.name}.scales`, "float32", [4], new Float32Array([1, 1, sy, sx]));
        out = g.node(
          "Resize",
          [ins[0]!, "", scales],
          { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" },
          { name: layer.name },
        );
        break;
      }
      default: {
        const shuffle = /^PixelShuffle(\d+)x$/.exec(layer.class_name);
        if (!shuffle) throw new Error(`unsupported layer ${layer.class_name} (${layer.name})`);
        const s = Number(c.scale ?? shuffle[1]);
        scale *= s;
        here = { ...here, scale: here.scale * s };
        out = g.node("DepthToSpace", ins, { blocksize: s, mode: "DCR" }, { name: layer.name });
      }
    }
    values.set(layer.name, out);
    reach.set(layer.name, here);
  }
  let result = get(model.outputs[0]!);
  if (options.pixelRange !== 1) {
    const inv = g.initializer("inverse_pixel_range", "float32", [], new Float32Array([1 / options.pixelRange]));
    result = g.node("Mul", [result, inv]);
  }
  g.output(result, "output", "float32", ["N", 3, `H*${scale}`, `W*${scale}`]);
  const receptiveRadius = Math.ceil(reach.get(model.outputs[0]!)!.radius);
  const metadata = { scale: String(scale), receptive_radius: String(receptiveRadius), ...options.metadata };
  return { onnx: g.toBytes({ metadata }), scale, receptiveRadius };
}
