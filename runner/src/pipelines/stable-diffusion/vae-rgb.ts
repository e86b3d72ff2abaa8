/**
 * @module The VAE decoder answering in 8-bit RGB: at load, nodes are appended to the decoder's graph that do what
 * `tensorToImage` does in JavaScript — `x·127.5 + 127.5` in float64 (as JS numbers are), rounded half to even, clipped
 * to 0…255, cast to uint8 and transposed to NHWC — so the conversion runs in ONNX Runtime's native thread pool and
 * the session hands back a quarter of the bytes. The bytes equal the JS path's for every finite value (the same IEEE
 * float64 operations in the same order; `Uint8ClampedArray` also rounds half to even). A model whose weights live in
 * an external data file (which an in-memory model cannot resolve), with an opset below 11 (no `Round`), or with a
 * non-float output is left as it is and converted in JavaScript.
 */
import onnxProto, { type onnx } from "onnx-proto";
import { GraphBuilder } from "../../models/onnx/graph-builder.js";
import { DATA_TYPE_CODE } from "../../models/onnx/tensor-types.js";

const { onnx: proto } = onnxProto;

/** The name of the uint8 [B,H,W,3] output that replaces the decoder's float image. */
export const VAE_RGB_OUTPUT = "avs_rgb";

/** `Round`, and `Clip` with its bounds as inputs, exist from opset 11. */
const MIN_OPSET = 11;

/** The appended nodes, from the decoder's float output `source` to {@link VAE_RGB_OUTPUT}; every name starts `avs_rgb`. */
function rgbTail(source: string): { node: onnx.INodeProto[]; initializer: onnx.ITensorProto[] } {
  const g = new GraphBuilder("avs-vae-rgb");
  const double = (name: string, v: number) => g.initializer(name, "float64", [], Float64Array.of(v));
  const half = double("avs_rgb_127_5", 127.5);
  const x = g.node("Cast", [source], { to: DATA_TYPE_CODE.float64 });
  const rounded = g.node("Round", [g.node("Add", [g.node("Mul", [x, half]), half])]);
  const clipped = g.node("Clip", [rounded, double("avs_rgb_0", 0), double("avs_rgb_255", 255)]);
  const bytes = g.node("Cast", [clipped], { to: DATA_TYPE_CODE.uint8 });
  g.node("Transpose", [bytes], { perm: [0, 2, 3, 1] }, { outputs: [VAE_RGB_OUTPUT] });
  const tail = g.toModel().model.graph as onnx.GraphProto;
  const own = (name: string) => (name === source || name.startsWith("avs_rgb") ? name : `avs_rgb_${name}`);
  return {
    node: tail.node.map((n) => ({
      ...n,
      name: own(n.name ?? ""),
      input: n.input?.map(own),
      output: n.output?.map(own),
    })),
    initializer: tail.initializer,
  };
}

/**
 * The decoder model `bytes` with its first output replaced by {@link VAE_RGB_OUTPUT}, or why it is left alone.
 *
 * @example
 * const fused = withVaeRgbOutput(readFileSync("vae_decoder/model.onnx"));
 * const session = await ort.InferenceSession.create(fused.bytes ?? "vae_decoder/model.onnx");
 */
export function withVaeRgbOutput(bytes: Uint8Array): { bytes: Uint8Array; reason?: undefined } | { reason: string } {
  const model = proto.ModelProto.decode(bytes);
  // Decoded messages have every repeated field, empty or not.
  const graph = model.graph as onnx.GraphProto | null;
  const output = graph?.output[0];
  if (!graph || !output?.name) return { reason: "the model declares no output" };
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx")?.version;
  if (opset === undefined || Number(opset) < MIN_OPSET)
    return { reason: `its opset ${opset ?? "?"} is below ${MIN_OPSET}` };
  const elem = output.type?.tensorType?.elemType;
  if (elem !== DATA_TYPE_CODE.float32 && elem !== DATA_TYPE_CODE.float16) return { reason: "its output is not float" };
  if (graph.initializer.some((t) => t.dataLocation === proto.TensorProto.DataLocation.EXTERNAL))
    return { reason: "its weights live in an external data file" };
  const tail = rgbTail(output.name);
  const taken = new Set([
    ...graph.node.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ...graph.initializer.map((t) => t.name),
    ...graph.input.map((i) => i.name),
  ]);
  const clash = [...tail.node.flatMap((n) => n.output ?? []), ...tail.initializer.map((t) => t.name)].find((n) =>
    taken.has(n ?? ""),
  );
  if (clash) return { reason: `it already has a value named ${clash}` };
  graph.node.push(...tail.node.map((n) => proto.NodeProto.create(n)));
  graph.initializer.push(...tail.initializer.map((t) => proto.TensorProto.create(t)));
  const dims = output.type?.tensorType?.shape?.dim ?? [];
  const dim = (i: number, name: string) => {
    const d = dims[i];
    return d?.dimValue && Number(d.dimValue) > 0 ? { dimValue: d.dimValue } : { dimParam: d?.dimParam || name };
  };
  graph.output[0] = proto.ValueInfoProto.create({
    name: VAE_RGB_OUTPUT,
    type: {
      tensorType: {
        elemType: DATA_TYPE_CODE.uint8,
        shape: { dim: [dim(0, "batch"), dim(2, "height"), dim(3, "width"), { dimValue: 3 }] },
      },
    },
  });
  return { bytes: proto.ModelProto.encode(model).finish() };
}
