/**
 * @module A small builder of ONNX models on `onnx-proto`: inputs and outputs with element types and symbolic
 * dimensions, initializers from typed arrays, nodes with plain-JS attributes, metadata, and weights either inline
 * or in an external data file. Used for the tiny test models and for converting real weights to ONNX.
 */
import onnxProto, { type onnx } from "onnx-proto";
import { type AttrValue, toAttributes } from "./attributes.js";
import { DATA_TYPE_CODE, type OnnxDType, rawBytes, type TypedArrayOf } from "./tensor-types.js";

const { onnx: proto } = onnxProto;

/** A dimension: a fixed size, a symbolic name (`"N"`, `"H"`), or `null` for unknown. */
export type Dim = number | string | null;

/** Options of {@link GraphBuilder.toModel} and {@link GraphBuilder.toBytes}. */
export interface ModelOptions {
  /** Default-domain opset version (default 17). */
  opset?: number;
  /** Extra opset imports, e.g. `{ "com.microsoft": 1 }`. */
  domains?: Record<string, number>;
  /** IR version written in the model (default 8, which ONNX Runtime ≥ 1.10 reads). */
  irVersion?: number;
  /** String metadata stored in the model (`metadata_props`), readable from session metadata. */
  metadata?: Record<string, string>;
  producerName?: string;
  docString?: string;
}

/** Where large initializers go when the model is split into a graph file and an external weights file. */
export interface ExternalDataOptions {
  /** File name of the weights, relative to the model file (e.g. `model.onnx_data`). */
  location: string;
  /** Initializers smaller than this many bytes stay inline (default 1024). */
  minBytes?: number;
}

/** A model split into its graph bytes and its external weights bytes. */
export interface SplitModel {
  model: Uint8Array;
  data: Uint8Array;
}

interface Initializer {
  name: string;
  dtype: OnnxDType;
  dims: number[];
  bytes: Uint8Array;
}

/**
 * Builds one ONNX graph. Values are referred to by name; `node()` returns the name of its (first) output,
 * so graphs read top-down like the computation.
 * @example
 * const g = new GraphBuilder("double");
 * const x = g.input("x", "float32", ["N", 3]);
 * const two = g.initializer("two", "float32", [1], new Float32Array([2]));
 * g.output(g.node("Mul", [x, two]), "y", "float32", ["N", 3]);
 * await writeFile("double.onnx", g.toBytes());
 */
export class GraphBuilder {
  readonly name: string;
  readonly #inputs: onnx.IValueInfoProto[] = [];
  readonly #outputs: onnx.IValueInfoProto[] = [];
  readonly #nodes: onnx.INodeProto[] = [];
  readonly #initializers: Initializer[] = [];
  readonly #names = new Set<string>();
  #counter = 0;

  constructor(name = "graph") {
    this.name = name;
  }

  /** Declares a graph input and returns its name. */
  input(name: string, dtype: OnnxDType, dims: Dim[]): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  /**
   * Adds a constant tensor (a weight) and returns its name. `data.length` must equal the product of `dims`.
   * @example g.initializer("conv.weight", "float32", [8, 3, 3, 3], weights)
   */
  initializer<T extends OnnxDType>(name: string, dtype: T, dims: number[], data: TypedArrayOf[T]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(", ")}] (${count} expected)`);
    }
    this.#claim(name);
    this.#initializers.push({ name, dtype, dims, bytes: rawBytes(data) });
    return name;
  }

  /**
   * Adds a node and returns the name of its first output. Names are generated unless `outputs` gives them.
   * An empty string in `inputs` marks an omitted optional input.
   * @example const y = g.node("Conv", [x, w, b], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })
   */
  node(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue | undefined> = {},
    options: { outputs?: string[] | number; name?: string; domain?: string } = {},
  ): string {
    return this.nodeOutputs(opType, inputs, attrs, options)[0]!;
  }

  /** Like {@link GraphBuilder.node}, returning every output name (for `Split`, `TopK`, ...). */
  nodeOutputs(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue | undefined> = {},
    options: { outputs?: string[] | number; name?: string; domain?: string } = {},
  ): string[] {
    const id = this.#counter++;
    const outputs =
      typeof options.outputs === "object"
        ? options.outputs
        : Array.from({ length: options.outputs ?? 1 }, (_, i) => `${opType.toLowerCase()}_${id}_out${i}`);
    for (const o of outputs) this.#claim(o);
    this.#nodes.push({
      name: options.name ?? `${opType}_${id}`,
      opType,
      domain: options.domain ?? "",
      input: inputs,
      output: outputs,
      attribute: toAttributes(attrs),
    });
    return outputs;
  }

  /**
   * Declares `value` as a graph output called `name` (an `Identity` is added when the names differ).
   * @example g.output(y, "output", "float32", ["N", 3, "H*4", "W*4"])
   */
  output(value: string, name: string, dtype: OnnxDType, dims: Dim[]): string {
    const source = value === name ? value : this.node("Identity", [value], {}, { outputs: [name] });
    this.#outputs.push(valueInfo(source, dtype, dims));
    return source;
  }

  /** The model proto (weights inline unless `external` is given; then see {@link GraphBuilder.toSplitBytes}). */
  toModel(options: ModelOptions = {}, external?: ExternalDataOptions): { model: onnx.ModelProto; data: Uint8Array } {
    const minBytes = external?.minBytes ?? 1024;
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const initializer = this.#initializers.map((t): onnx.ITensorProto => {
      const base = { name: t.name, dataType: DATA_TYPE_CODE[t.dtype], dims: t.dims };
      if (!external || t.bytes.byteLength < minBytes) return { ...base, rawData: t.bytes };
      const entry = {
        ...base,
        dataLocation: proto.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: "location", value: external.location },
          { key: "offset", value: String(offset) },
          { key: "length", value: String(t.bytes.byteLength) },
        ],
      };
      chunks.push(t.bytes);
      offset += t.bytes.byteLength;
      return entry;
    });
    const model = proto.ModelProto.create({
      irVersion: options.irVersion ?? 8,
      producerName: options.producerName ?? "ai-video-subnet",
      docString: options.docString ?? "",
      opsetImport: [
        { domain: "", version: options.opset ?? 17 },
        ...Object.entries(options.domains ?? {}).map(([domain, version]) => ({ domain, version })),
      ],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        input: this.#inputs,
        output: this.#outputs,
        node: this.#nodes,
        initializer,
      },
    });
    return { model, data: concat(chunks, offset) };
  }

  /**
   * The serialized model with every weight inline (fine below 2 GiB, the protobuf limit).
   * @example await writeFile("model.onnx", g.toBytes({ metadata: { scale: "4" } }))
   */
  toBytes(options: ModelOptions = {}): Uint8Array {
    return proto.ModelProto.encode(this.toModel(options).model).finish();
  }

  /**
   * The serialized graph plus one external weights file (write both next to each other).
   * @example
   * const { model, data } = g.toSplitBytes({}, { location: "model.onnx_data" });
   * await writeFile("unet/model.onnx", model); await writeFile("unet/model.onnx_data", data);
   */
  toSplitBytes(options: ModelOptions, external: ExternalDataOptions): SplitModel {
    const { model, data } = this.toModel(options, external);
    return { model: proto.ModelProto.encode(model).finish(), data };
  }

  #claim(name: string) {
    if (this.#names.has(name)) throw new Error(`the graph already has a value named ${name}`);
    this.#names.add(name);
  }
}

function valueInfo(name: string, dtype: OnnxDType, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE_CODE[dtype],
        shape: {
          dim: dims.map((d) =>
            typeof d === "number" ? { dimValue: d } : typeof d === "string" ? { dimParam: d } : {},
          ),
        },
      },
    },
  };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
