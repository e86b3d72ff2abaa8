/**
 * @module Graph surgery that makes an image model speak 8-bit RGB. {@link withRgbOutput}: its float NCHW output is
 * followed by `round(clip(x·scale + offset, 0, 255))`, a cast to uint8 and a transpose to NHWC. {@link withRgbInput}:
 * its float NCHW input is preceded by a transpose from NHWC uint8, a cast and `x / divisor`. The pixel conversions
 * then run in ONNX Runtime's native thread pool (fused with the model's first and last operators where it can)
 * instead of as JavaScript loops over every value, and the session takes and hands back a quarter of the bytes.
 */
import onnxProto, { type onnx } from "onnx-proto";
import { DATA_TYPE_CODE } from "./tensor-types.js";

const { onnx: proto } = onnxProto;

/** The name of the added uint8 NHWC output. */
export const RGB_OUTPUT = "avs_rgb";
/** The name of the added uint8 NHWC input. */
export const RGB_INPUT = "avs_rgb_in";

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
  /**
   * Convert before the operators that only move the output's values (Reshape, Expand, Transpose, Squeeze, Unsqueeze,
   * Flatten, Identity, nearest Resize) when the output ends with some, so they move bytes instead of floats: each
   * value is mapped as it would be after them, so the bytes are the same, and the full-size float copies they (and
   * the mapping) would make never exist. A nearest ×8 upsample at the end of a decoder then runs on a quarter of the
   * bytes, and the float tensors before it are 1/64 of the frames' size. float32 outputs only (see the code).
   */
  beforeDataMovement?: boolean;
}

/**
 * How 8-bit input values map to the model's float input: `x / divisor + offset` (ESRGAN's 0..1: divisor 255; a
 * VAE encoder's −1..1: divisor 127.5, offset −1), a division as the JS conversion does it, so the floats are the
 * same (a multiply by 1/255 is not, for some values).
 */
export interface RgbInputMapping {
  divisor: number;
  /** Added after the division (default 0). */
  offset?: number;
  /**
   * `float32` (default): divided (and offset) in float32. `float64`: computed as JS numbers are and rounded once to
   * the input's type, so the floats equal a JS conversion `x / divisor + offset` stored in a Float32Array.
   */
  precision?: "float32" | "float64";
  /** The float input to feed (default: the first). */
  input?: string;
}

/** The changed model, with the float types its replaced input and output had; or why it was left alone. */
type Surgery =
  | {
      bytes: Uint8Array;
      replaced: { input?: "float32" | "float16"; output?: "float32" | "float16" };
      reason?: undefined;
    }
  | { bytes?: undefined; replaced?: undefined; reason: string };

const floatName = (value: onnx.IValueInfoProto) =>
  value.type?.tensorType?.elemType === DATA_TYPE_CODE.float16 ? "float16" : "float32";

/** Why a model cannot take 8-bit pixels at this input or output, or `undefined` when it can. */
function unsupported(
  model: onnx.ModelProto,
  value: onnx.IValueInfoProto | undefined,
  what: string,
): string | undefined {
  if (!value) return `the model has no such ${what}`;
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx")?.version;
  if (opset === undefined || Number(opset) < MIN_OPSET) return `its opset ${opset ?? "?"} is below ${MIN_OPSET}`;
  const elem = value.type?.tensorType?.elemType;
  if (elem !== DATA_TYPE_CODE.float32 && elem !== DATA_TYPE_CODE.float16) return `its ${what} is not float`;
  if ((value.type?.tensorType?.shape?.dim?.length ?? 4) !== 4) return `its ${what} is not a 4-d NCHW image`;
  return undefined;
}

/** Operators that only move values (any element type in ONNX Runtime's CPU kernels); Resize only when nearest. */
const DATA_MOVEMENT = new Set([
  "Reshape",
  "Expand",
  "Transpose",
  "Squeeze",
  "Unsqueeze",
  "Flatten",
  "Identity",
  "Resize",
]);

/**
 * The operators that only move values at the end of `outputName`'s computation, last first: each one's data input is
 * computed by a graph node, read by it alone and is not a graph output.
 */
function trailingDataMovement(graph: onnx.GraphProto, outputName: string): onnx.INodeProto[] {
  const producer = new Map<string, onnx.INodeProto>();
  const readers = new Map<string, number>();
  for (const n of graph.node) {
    for (const o of n.output ?? []) producer.set(o, n);
    for (const i of n.input ?? []) readers.set(i, (readers.get(i) ?? 0) + 1);
  }
  for (const o of graph.output) readers.set(o.name as string, (readers.get(o.name as string) ?? 0) + 1);
  const chain: onnx.INodeProto[] = [];
  let at = producer.get(outputName);
  while (at && DATA_MOVEMENT.has(at.opType as string) && at.output?.length === 1) {
    if (at.opType === "Resize") {
      // Only nearest copies values; tf_crop_and_resize writes `extrapolation_value` outside the crop, which would be
      // a byte rather than a mapped float.
      const text = (name: string) => {
        const s = at?.attribute?.find((a) => a.name === name)?.s;
        return s && s.length > 0 ? Buffer.from(s).toString() : undefined;
      };
      if ((text("mode") ?? "nearest") !== "nearest") break;
      if (text("coordinate_transformation_mode") === "tf_crop_and_resize") break;
    }
    const data = at.input?.[0];
    if (!data || readers.get(data) !== 1 || !producer.has(data)) break;
    chain.push(at);
    at = producer.get(data);
  }
  return chain;
}

/**
 * Returns the model's bytes with an 8-bit RGB (NHWC) output in place of its float NCHW `output` and/or an 8-bit
 * RGB input in place of its float NCHW `input`, or the reason it cannot (external weights, old opset, a non-float
 * or non-4-d value) — callers then convert in JS. The new values are {@link RGB_OUTPUT} and {@link RGB_INPUT}.
 * @example const fused = withRgbPixels(await readFile("model.onnx"), { input: { divisor: 255 }, output: { scale: 255, offset: 0 } })
 */
export function withRgbPixels(bytes: Uint8Array, ends: { input?: RgbInputMapping; output?: RgbMapping }): Surgery {
  const model = proto.ModelProto.decode(bytes);
  // Decoded messages have every repeated field, empty or not.
  const graph = model.graph as onnx.GraphProto | null;
  if (!graph) return { reason: "the model has no graph" };
  if (graph.initializer.some((t) => t.dataLocation === proto.TensorProto.DataLocation.EXTERNAL)) {
    // A model read from bytes has no directory to resolve external weight files against.
    return { reason: "its weights live in an external data file" };
  }
  const outputName = ends.output && (ends.output.output ?? graph.output[0]?.name);
  const output = ends.output && graph.output.find((o) => o.name === outputName);
  const inputName = ends.input && (ends.input.input ?? graph.input[0]?.name);
  const input = ends.input && graph.input.find((i) => i.name === inputName);
  const reason =
    (ends.output && unsupported(model, output, "output")) || (ends.input && unsupported(model, input, "input"));
  if (reason) return { reason };

  const taken = new Set<string | null | undefined>([
    ...graph.node.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ...graph.initializer.map((t) => t.name),
    ...graph.input.map((i) => i.name),
  ]);
  for (const name of [RGB_OUTPUT, RGB_INPUT])
    if (taken.has(name)) return { reason: `it already has a value named ${name}` };
  const fresh = (base: string) => {
    let candidate = `avs_rgb_${base}`;
    for (let i = 1; taken.has(candidate); i++) candidate = `avs_rgb_${base}_${i}`;
    taken.add(candidate);
    return candidate;
  };
  const scalar = (base: string, value: number, dtype: "float32" | "float64" = "float32") => {
    const tensorName = fresh(base);
    graph.initializer.push(
      proto.TensorProto.create(
        dtype === "float64"
          ? { name: tensorName, dataType: DATA_TYPE_CODE.float64, doubleData: [value] }
          : { name: tensorName, dataType: DATA_TYPE_CODE.float32, floatData: [value] },
      ),
    );
    return tensorName;
  };
  const attr = (a: Partial<onnx.IAttributeProto>) => proto.AttributeProto.create(a);
  const cast = (to: number) => [attr({ name: "to", type: proto.AttributeProto.AttributeType.INT, i: to })];
  const perm = (ints: number[]) => [attr({ name: "perm", type: proto.AttributeProto.AttributeType.INTS, ints })];
  const made: onnx.INodeProto[] = [];
  const node = (opType: string, inputs: string[], attributes: onnx.IAttributeProto[] = [], out = fresh(opType)) => {
    made.push(proto.NodeProto.create({ opType, input: inputs, output: [out], name: out, attribute: attributes }));
    return out;
  };
  const dimsOf = (value: onnx.IValueInfoProto) => {
    const dims = value.type?.tensorType?.shape?.dim ?? [];
    return (i: number, fallback: string) => {
      const d = dims[i];
      if (d?.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0) return { dimValue: d.dimValue };
      return { dimParam: d?.dimParam || fallback };
    };
  };
  const rgbValue = (name: string, dim: ReturnType<typeof dimsOf>) =>
    proto.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: DATA_TYPE_CODE.uint8,
          shape: { dim: [dim(0, "N"), dim(2, "H"), dim(3, "W"), { dimValue: 3 }] },
        },
      },
    });

  if (input && inputName && ends.input) {
    // NHWC uint8 → NCHW float (x / divisor + offset), cast to the input's own float type; the nodes go first.
    const mapping = ends.input;
    const wide = mapping.precision === "float64" ? "float64" : "float32";
    const elem = input.type?.tensorType?.elemType as number;
    let x = node("Transpose", [RGB_INPUT], perm([0, 3, 1, 2]));
    x = node("Cast", [x], cast(DATA_TYPE_CODE[wide]));
    x = node("Div", [x, scalar("divisor", mapping.divisor, wide)]);
    if (mapping.offset) x = node("Add", [x, scalar("offset", mapping.offset, wide)]);
    // float64 → float32 → float16 rounds as the JS path does (Float32Array, then half bits).
    if (wide === "float64") x = node("Cast", [x], cast(DATA_TYPE_CODE.float32));
    if (elem === DATA_TYPE_CODE.float16) x = node("Cast", [x], cast(DATA_TYPE_CODE.float16));
    (made.at(-1) as onnx.INodeProto).output = [inputName]; // the last node now feeds the model
    graph.node.unshift(...made.splice(0));
    graph.input = graph.input.map((i) => (i.name === inputName ? rgbValue(RGB_INPUT, dimsOf(input)) : i));
  }

  if (output && outputName && ends.output) {
    const mapping = ends.output;
    const wide = mapping.precision === "float64" ? "float64" : "float32";
    // Not for float16 outputs: ONNX Runtime computes float16 on the CPU in float32 between Casts it inserts, and drops
    // a float32 → float16 → float32 pair when our Cast follows the model's last operator, so the bytes would change.
    const movers =
      mapping.beforeDataMovement && output.type?.tensorType?.elemType === DATA_TYPE_CODE.float32
        ? trailingDataMovement(graph, outputName)
        : [];
    // The mapping takes the value that enters the moving operators; the first of them then takes its bytes.
    const first = movers.at(-1);
    let x = first ? (first.input?.[0] as string) : outputName;
    if (wide === "float64") x = node("Cast", [x], cast(DATA_TYPE_CODE.float64));
    else if (output.type?.tensorType?.elemType === DATA_TYPE_CODE.float16)
      x = node("Cast", [x], cast(DATA_TYPE_CODE.float32));
    if (mapping.scale !== 1) x = node("Mul", [x, scalar("scale", mapping.scale, wide)]);
    if (mapping.offset !== 0) x = node("Add", [x, scalar("offset", mapping.offset, wide)]);
    x = node("Clip", [x, scalar("min", 0, wide), scalar("max", 255, wide)]);
    x = node("Round", [x]);
    x = node("Cast", [x], cast(DATA_TYPE_CODE.uint8));
    if (first) {
      (first.input as string[])[0] = x;
      graph.node.splice(graph.node.indexOf(first as onnx.NodeProto), 0, ...made.splice(0));
      // The moved values are bytes now: drop the float types recorded for them.
      const moved = new Set(movers.flatMap((n) => n.output ?? []));
      graph.valueInfo = graph.valueInfo.filter((v) => !moved.has(v.name as string));
      x = outputName;
    }
    node("Transpose", [x], perm([0, 2, 3, 1]), RGB_OUTPUT);
    graph.node.push(...made.splice(0));
    graph.output = graph.output.map((o) => (o.name === outputName ? rgbValue(RGB_OUTPUT, dimsOf(output)) : o));
  }
  return {
    bytes: proto.ModelProto.encode(model).finish(),
    replaced: { ...(input ? { input: floatName(input) } : {}), ...(output ? { output: floatName(output) } : {}) },
  };
}

/**
 * What the input nodes of an {@link RgbInputMapping} compute, in JavaScript (for models the surgery cannot take):
 * 8-bit RGB (HWC) → float NCHW planes `x / divisor + offset`, equal to the graph's floats in float64 precision.
 *
 * @example
 * rgbToPlanes(Uint8Array.of(0, 51, 255), 1, 1, { divisor: 255 }); // Float32Array [0, 0.2, 1]
 */
export function rgbToPlanes(rgb: Uint8Array, width: number, height: number, mapping: RgbInputMapping): Float32Array {
  const { divisor } = mapping;
  const offset = mapping.offset ?? 0;
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  for (let i = 0, src = 0; i < plane; i++, src += 3) {
    out[i] = (rgb[src] as number) / divisor + offset;
    out[i + plane] = (rgb[src + 1] as number) / divisor + offset;
    out[i + 2 * plane] = (rgb[src + 2] as number) / divisor + offset;
  }
  return out;
}

/**
 * What the output nodes of an {@link RgbMapping} compute, in JavaScript: float NCHW planes (image `index` of a
 * batch) → 8-bit RGB (HWC), `x·scale + offset` rounded half to even and clamped to 0…255 — the graph's bytes exactly
 * in float64 precision.
 *
 * @example
 * planesToRgb(Float32Array.of(0, 0.5, 1), 1, 1, { scale: 255, offset: 0 }); // Uint8Array [0, 128, 255]
 */
export function planesToRgb(
  planes: Float32Array,
  width: number,
  height: number,
  mapping: RgbMapping,
  index = 0,
): Uint8Array {
  const { scale, offset } = mapping;
  const plane = width * height;
  const base = index * 3 * plane;
  // A clamped array rounds (half to even, as ONNX Round does) and clamps on assignment, at native speed.
  const out = new Uint8ClampedArray(plane * 3);
  for (let i = 0, dst = 0; i < plane; i++, dst += 3) {
    out[dst] = (planes[base + i] as number) * scale + offset;
    out[dst + 1] = (planes[base + i + plane] as number) * scale + offset;
    out[dst + 2] = (planes[base + i + 2 * plane] as number) * scale + offset;
  }
  return new Uint8Array(out.buffer);
}

/**
 * {@link withRgbPixels} for the output alone: `output` replaced by a uint8 `[N,H,W,3]` output named {@link RGB_OUTPUT}.
 * @example const fused = withRgbOutput(await readFile("model.onnx"), { scale: 127.5, offset: 127.5, precision: "float64" }) // a VAE's −1..1
 */
export function withRgbOutput(bytes: Uint8Array, mapping: RgbMapping): Surgery {
  return withRgbPixels(bytes, { output: mapping });
}
