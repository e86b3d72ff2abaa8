/**
 * @module Graph surgery that feeds one of a model's inputs from another small graph (its preparation), so both run in
 * one `session.run`: the prepared tensor never leaves ONNX Runtime (no output buffer handed to JavaScript and fed back
 * in) and the request pays one call instead of two.
 */
import onnxProto, { type onnx } from "onnx-proto";
import { DATA_TYPE_CODE, type OnnxDType } from "./tensor-types.js";

const { onnx: proto } = onnxProto;

/** The model input the preparation graph computes, as the model declares it. */
export interface PrependTarget {
  name: string;
  /** Its element type (undefined: one the runner has no name for). */
  type: OnnxDType | undefined;
  shape: (number | string)[];
  /** The model's default-domain opset, which the preparation graph must use. */
  opset: number;
}

/** The merged model and the input it replaced, or why the model was left alone. */
export type Prepended =
  | { bytes: Uint8Array; target: PrependTarget; reason?: undefined }
  | { bytes?: undefined; target?: undefined; reason: string };

/** Prefix of the preparation graph's inner names in the merged graph. */
const PREFIX = "avs_pre_";

const defaultOpset = (model: onnx.ModelProto) =>
  model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx")?.version;

/**
 * `model` with its input `pickInput(input names)` computed by the graph `makePre(target)` returns (one output, whose
 * inputs become the merged model's; built for the model's opset, with no other domain): pre's nodes go first, its
 * inner values and initializers are renamed apart, and its output takes the input's name. A model whose weights live
 * in an external file, or whose names clash with pre's inputs, is left alone with the reason, as is one for which
 * `makePre` gives a reason instead of a graph.
 *
 * @example
 * const merged = prependGraph(await readFile("image_encoder/model.onnx"), () => "pixel_values", (t) => prep(t.opset));
 * if (merged.bytes) session = await ort.InferenceSession.create(merged.bytes);
 */
export function prependGraph(
  modelBytes: Uint8Array,
  pickInput: (names: string[]) => string | undefined,
  makePre: (target: PrependTarget) => Uint8Array | { reason: string },
): Prepended {
  const model = proto.ModelProto.decode(modelBytes);
  const graph = model.graph as onnx.GraphProto | null;
  if (!graph) return { reason: "the model has no graph" };
  if (graph.initializer.some((t) => t.dataLocation === proto.TensorProto.DataLocation.EXTERNAL)) {
    // A model read from bytes has no directory to resolve external weight files against.
    return { reason: "its weights live in an external data file" };
  }
  const opset = defaultOpset(model);
  if (opset === undefined) return { reason: "it imports no default-domain opset" };
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const name = pickInput(graph.input.filter((i) => !initializers.has(i.name)).map((i) => i.name ?? ""));
  const value = graph.input.find((i) => i.name === name);
  if (!name || !value) return { reason: `it has no input ${name ?? ""}` };
  const tensor = value.type?.tensorType;
  const target: PrependTarget = {
    name,
    type: (Object.keys(DATA_TYPE_CODE) as OnnxDType[]).find((t) => DATA_TYPE_CODE[t] === tensor?.elemType),
    shape: (tensor?.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0
        ? Number(d.dimValue)
        : d.dimParam || "?",
    ),
    opset: Number(opset),
  };
  const made = makePre(target);
  if (!(made instanceof Uint8Array)) return made;
  const pre = proto.ModelProto.decode(made);
  const preGraph = pre.graph as onnx.GraphProto | null;
  if (!preGraph) return { reason: "the preparation model has no graph" };
  if (Number(defaultOpset(pre)) !== target.opset || pre.opsetImport.length !== 1) {
    return { reason: `its opset ${target.opset} is not the preparation's ${defaultOpset(pre) ?? "?"}` };
  }
  const [out, ...more] = preGraph.output;
  if (!out?.name || more.length > 0) return { reason: "the preparation graph must have one output" };
  const taken = new Set<string>([
    ...graph.node.flatMap((n) => [...(n.input ?? []), ...(n.output ?? []), n.name ?? ""]),
    ...graph.initializer.map((t) => t.name ?? ""),
    ...graph.input.map((i) => i.name ?? ""),
  ]);
  const preInputs = new Set(preGraph.input.map((i) => i.name ?? ""));
  const clash = [...preInputs].find((n) => taken.has(n)) ?? [...taken].find((n) => n.startsWith(PREFIX));
  if (clash !== undefined) return { reason: `its name ${clash} clashes with the preparation graph's` };

  const rename = (n: string) => (n === "" || preInputs.has(n) ? n : n === out.name ? name : `${PREFIX}${n}`);
  for (const n of preGraph.node) {
    n.input = (n.input ?? []).map(rename);
    n.output = (n.output ?? []).map(rename);
    if (n.name) n.name = `${PREFIX}${n.name}`;
  }
  for (const t of preGraph.initializer) t.name = rename(t.name ?? "");
  graph.node.unshift(...preGraph.node);
  graph.initializer.push(...preGraph.initializer);
  graph.input = [...graph.input.filter((i) => i.name !== name), ...preGraph.input];
  return { bytes: proto.ModelProto.encode(model).finish(), target };
}
