/**
 * @module Graph surgery that makes a model answer in 8-bit RGB: its float NCHW image output is followed by
 * `round(clip(x·scale + offset, 0, 255))`, a cast to uint8 and a transpose to NHWC, all inside ONNX Runtime. The
 * pixel conversion then runs in the session's native thread pool (and fuses with the model's last multiply)
 * instead of as a JavaScript loop over every output value, and the session hands back a quarter of the bytes.
 */
import onnxProto, { type onnx } from "onnx-proto";
import { DATA_TYPE_CODE } from "./tensor-types.js";

const { onnx: proto } = onnxProto;

/** The name of the added uint8 NHWC output. */
export const RGB_OUTPUT = "avs_rgb";

/** `Clip` with bounds as inputs and `Round` exist from opset 11. */
const MIN_OPSET = 11;

/** Where the pixel values of the float output map to 0..255: `x·scale + offset`. */
export interface RgbMapping {
  scale: number;
  offset: number;
  /** The float output to convert (default: the first). */
  output?: string;
  /**
   * `float32` (default): the fastest, and ONNX Runtime may fold `scale` into the model's last multiply, so a rare
   * value lands one level from a JS conversion's. `float64`: computed as JS numbers are (the same IEEE operations
   * in the same order), so the bytes equal a `Uint8ClampedArray` conversion of `x·scale + offset` exactly.
   */
  precision?: "float32" | "float64";
}

/** Why a model cannot take the RGB output, or `undefined` when it can. */
function unsupported(
  model: onnx.ModelProto,
  graph: onnx.GraphProto,
  output: onnx.IValueInfoProto | undefined,
): string | undefined {
  if (!output) return "the model has no such output";
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx")?.version;
  if (opset === undefined || Number(opset) < MIN_OPSET) return `its opset ${opset ?? "?"} is below ${MIN_OPSET}`;
  const elem = output.type?.tensorType?.elemType;
  if (elem !== DATA_TYPE_CODE.float32 && elem !== DATA_TYPE_CODE.float16) return "its output is not float";
  if ((output.type?.tensorType?.shape?.dim?.length ?? 4) !== 4) return "its output is not a 4-d NCHW image";
  if (graph.initializer.some((t) => t.dataLocation === proto.TensorProto.DataLocation.EXTERNAL)) {
    // A model read from bytes has no directory to resolve external weight files against.
    return "its weights live in an external data file";
  }
  return undefined;
}

/**
 * Returns the model's bytes with `output` replaced by a uint8 `[N,H,W,3]` output named {@link RGB_OUTPUT}, or the
 * reason it cannot (external weights, old opset, a non-float or non-4-d output) — callers then convert in JS.
 * @example const fused = withRgbOutput(await readFile("model.onnx"), { scale: 255, offset: 0 }) // ESRGAN's 0..1
 */
export function withRgbOutput(
  bytes: Uint8Array,
  mapping: RgbMapping,
): { bytes: Uint8Array; reason?: undefined } | { bytes?: undefined; reason: string } {
  const model = proto.ModelProto.decode(bytes);
  // Decoded messages have every repeated field, empty or not.
  const graph = model.graph as onnx.GraphProto | null;
  if (!graph) return { reason: "the model has no graph" };
  const name = mapping.output ?? graph.output[0]?.name;
  const output = graph.output.find((o) => o.name === name);
  const reason = unsupported(model, graph, output);
  if (reason || !output || !name) return { reason: reason ?? "the model has no such output" };

  const taken = new Set<string | null | undefined>([
    ...graph.node.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ...graph.initializer.map((t) => t.name),
    ...graph.input.map((i) => i.name),
  ]);
  if (taken.has(RGB_OUTPUT)) return { reason: `it already has a value named ${RGB_OUTPUT}` };
  const fresh = (base: string) => {
    let candidate = `avs_rgb_${base}`;
    for (let i = 1; taken.has(candidate); i++) candidate = `avs_rgb_${base}_${i}`;
    taken.add(candidate);
    return candidate;
  };
  const wide = mapping.precision === "float64";
  const scalar = (base: string, value: number) => {
    const tensorName = fresh(base);
    graph.initializer.push(
      proto.TensorProto.create(
        wide
          ? { name: tensorName, dataType: DATA_TYPE_CODE.float64, doubleData: [value] }
          : { name: tensorName, dataType: DATA_TYPE_CODE.float32, floatData: [value] },
      ),
    );
    return tensorName;
  };
  const attr = (a: Partial<onnx.IAttributeProto>) => proto.AttributeProto.create(a);
  const node = (opType: string, inputs: string[], attributes: onnx.IAttributeProto[] = [], out = fresh(opType)) => {
    graph.node.push(proto.NodeProto.create({ opType, input: inputs, output: [out], name: out, attribute: attributes }));
    return out;
  };

  let x = name;
  const cast = (to: number) => [attr({ name: "to", type: proto.AttributeProto.AttributeType.INT, i: to })];
  if (wide) x = node("Cast", [x], cast(DATA_TYPE_CODE.float64));
  else if (output.type?.tensorType?.elemType === DATA_TYPE_CODE.float16)
    x = node("Cast", [x], cast(DATA_TYPE_CODE.float32));
  if (mapping.scale !== 1) x = node("Mul", [x, scalar("scale", mapping.scale)]);
  if (mapping.offset !== 0) x = node("Add", [x, scalar("offset", mapping.offset)]);
  x = node("Clip", [x, scalar("min", 0), scalar("max", 255)]);
  x = node("Round", [x]);
  x = node("Cast", [x], cast(DATA_TYPE_CODE.uint8));
  node(
    "Transpose",
    [x],
    [attr({ name: "perm", type: proto.AttributeProto.AttributeType.INTS, ints: [0, 2, 3, 1] })],
    RGB_OUTPUT,
  );

  const dims = output.type?.tensorType?.shape?.dim ?? [];
  const dim = (i: number, fallback: string) => {
    const d = dims[i];
    if (d?.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0) return { dimValue: d.dimValue };
    return { dimParam: d?.dimParam || fallback };
  };
  graph.output = graph.output.map((o) =>
    o.name === name
      ? proto.ValueInfoProto.create({
          name: RGB_OUTPUT,
          type: {
            tensorType: {
              elemType: DATA_TYPE_CODE.uint8,
              shape: { dim: [dim(0, "N"), dim(2, "H"), dim(3, "W"), { dimValue: 3 }] },
            },
          },
        })
      : o,
  );
  return { bytes: proto.ModelProto.encode(model).finish() };
}
