/**
 * @module Graph surgery that makes a FILM model take and return 8-bit RGB frames of their own size: each frame input
 * gets `uint8 [N,H,W,3] → Pad (zeros, given as an input) → (Transpose to NCHW) → Cast → ÷ divisor (+ lo) → the
 * model's float type` in front of it, and the frame output is followed by `× scale (+ offset) → Clip 0..255 → Round
 * → Cast uint8 → (Transpose to NHWC) → Slice (the crop back, given as inputs)`. The padding and conversions then run
 * in ONNX Runtime's thread pool instead of as JS loops over every value (measured: JS padding and cropping of
 * 1000×562 frames took the overhead over session.run from 2 % to 13 %), and the session takes the decoded pixels
 * as they are and hands back the frame. Every other output (FILM's TF export declares its flow and warp pyramids as
 * outputs) is dropped, so the runtime computes only the frame. Arithmetic is in float64, as the JS conversions
 * (`film-convert.ts`) compute it, so both give the same bytes.
 */
import onnxProto, { type onnx } from "onnx-proto";
import { DATA_TYPE_CODE } from "../../onnx/index.js";
import type { FilmSignature } from "./film-signature.js";

const { onnx: proto } = onnxProto;

/** Names of the uint8 NHWC frame inputs the surgery adds (first, second). */
export const FILM_RGB_INPUTS = ["avs_rgb_x0", "avs_rgb_x1"] as const;
/** Name of the uint8 NHWC frame output the surgery adds. */
export const FILM_RGB_OUTPUT = "avs_rgb_frame";
/** The int64 `[8]` input of the zero padding applied to both frames (ONNX `Pad` order: begins, then ends, NHWC). */
export const FILM_PADS = "avs_film_pads";
/** The int64 `[2]` inputs of the crop back: first row and column, and their ends. */
export const FILM_CROP = ["avs_film_crop_start", "avs_film_crop_end"] as const;

/** Float64 `Clip` (with min/max inputs) needs opset 12. */
const MIN_OPSET = 12;

/**
 * How 8-bit values map to the model's range and back: `v / divisor + lo`, and `x · scale + offset`.
 * @example pixelMapping({ range: { lo: -1, hi: 1 } }) // { divisor: 127.5, lo: -1, scale: 127.5, offset: 127.5 }
 */
export function pixelMapping(sig: Pick<FilmSignature, "range">) {
  const span = sig.range.hi - sig.range.lo;
  return { divisor: 255 / span, lo: sig.range.lo, scale: 255 / span, offset: (-sig.range.lo * 255) / span };
}

/**
 * Rewrites a decoded FILM model (in place) to speak 8-bit RGB frames, and returns its bytes; or the reason it cannot
 * (weights in an external file, an opset below 12), in which case the caller converts in JS.
 * @example const r = filmPixelsInGraph(proto.ModelProto.decode(bytes), sig); if (r.bytes) session = await create(r.bytes)
 */
export function filmPixelsInGraph(
  model: onnx.ModelProto,
  sig: FilmSignature,
): { bytes: Uint8Array; reason?: undefined } | { bytes?: undefined; reason: string } {
  const graph = model.graph as onnx.GraphProto | null;
  if (!graph) return { reason: "the model has no graph" };
  if (graph.initializer.some((t) => t.dataLocation === proto.TensorProto.DataLocation.EXTERNAL)) {
    return { reason: "its weights live in an external data file" };
  }
  const opset = Number(model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx")?.version ?? 0);
  if (opset < MIN_OPSET) return { reason: `its opset ${opset} is below ${MIN_OPSET}` };
  const used = new Set<string | null | undefined>([
    ...graph.node.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]),
    ...graph.initializer.map((t) => t.name),
    ...graph.input.map((i) => i.name),
  ]);
  for (const name of [...FILM_RGB_INPUTS, FILM_RGB_OUTPUT, FILM_PADS, ...FILM_CROP]) {
    if (used.has(name)) return { reason: `it already has a value named ${name}` };
  }
  let serial = 0;
  const fresh = (what: string) => {
    let name = `avs_film_${what}_${serial++}`;
    while (used.has(name)) name = `avs_film_${what}_${serial++}`;
    used.add(name);
    return name;
  };
  const nodes: onnx.INodeProto[] = [];
  const add = (op: string, inputs: string[], attrs: onnx.IAttributeProto[] = [], out = fresh(op.toLowerCase())) => {
    nodes.push(proto.NodeProto.create({ opType: op, input: inputs, output: [out], name: out, attribute: attrs }));
    return out;
  };
  const double = (value: number) => {
    const name = fresh("const");
    graph.initializer.push(proto.TensorProto.create({ name, dataType: DATA_TYPE_CODE.float64, doubleData: [value] }));
    return name;
  };
  const INT = proto.AttributeProto.AttributeType.INT;
  const castTo = (code: number) => [proto.AttributeProto.create({ name: "to", type: INT, i: code })];
  const permute = (ints: number[]) => [
    proto.AttributeProto.create({ name: "perm", type: proto.AttributeProto.AttributeType.INTS, ints }),
  ];
  const floatCode = DATA_TYPE_CODE[sig.dtype];
  const { divisor, lo, scale, offset } = pixelMapping(sig);

  const int64s = (values: number[]) => {
    const name = fresh("ints");
    graph.initializer.push(
      proto.TensorProto.create({ name, dataType: DATA_TYPE_CODE.int64, dims: [values.length], int64Data: values }),
    );
    return name;
  };
  const rgbValue = (name: string, batch: onnx.TensorShapeProto.IDimension | undefined) =>
    proto.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: DATA_TYPE_CODE.uint8,
          shape: { dim: [batch ?? {}, { dimParam: "height" }, { dimParam: "width" }, { dimValue: 3 }] },
        },
      },
    });
  const int64Input = (name: string, length: number) =>
    proto.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: DATA_TYPE_CODE.int64, shape: { dim: [{ dimValue: length }] } } },
    });

  [sig.frame0, sig.frame1].forEach((name, k) => {
    const batch = graph.input.find((i) => i.name === name)!.type?.tensorType?.shape?.dim?.[0];
    let x = add("Pad", [FILM_RGB_INPUTS[k]!, FILM_PADS]);
    if (sig.layout === "nchw") x = add("Transpose", [x], permute([0, 3, 1, 2]));
    if (divisor !== 1 || lo !== 0) {
      x = add("Cast", [x], castTo(DATA_TYPE_CODE.float64));
      if (divisor !== 1) x = add("Div", [x, double(divisor)]);
      if (lo !== 0) x = add("Add", [x, double(lo)]);
    }
    x = add("Cast", [x], castTo(DATA_TYPE_CODE.float32));
    if (sig.dtype === "float16") x = add("Cast", [x], castTo(floatCode));
    nodes.at(-1)!.output = [name];
    graph.input = graph.input.map((i) => (i.name === name ? rgbValue(FILM_RGB_INPUTS[k]!, batch) : i));
  });
  graph.input.push(int64Input(FILM_PADS, 8), int64Input(FILM_CROP[0], 2), int64Input(FILM_CROP[1], 2));
  graph.node.unshift(...nodes.splice(0));

  const batch = graph.output.find((o) => o.name === sig.output)!.type?.tensorType?.shape?.dim?.[0];
  let y = add("Cast", [sig.output], castTo(DATA_TYPE_CODE.float64));
  if (scale !== 1) y = add("Mul", [y, double(scale)]);
  if (offset !== 0) y = add("Add", [y, double(offset)]);
  y = add("Clip", [y, double(0), double(255)]);
  y = add("Cast", [add("Round", [y])], castTo(DATA_TYPE_CODE.uint8));
  if (sig.layout === "nchw") y = add("Transpose", [y], permute([0, 2, 3, 1]));
  add("Slice", [y, FILM_CROP[0], FILM_CROP[1], int64s([1, 2])], [], FILM_RGB_OUTPUT);
  graph.node.push(...nodes);
  graph.output = [rgbValue(FILM_RGB_OUTPUT, batch)];
  return { bytes: proto.ModelProto.encode(model).finish() };
}
