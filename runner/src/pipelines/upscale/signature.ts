/**
 * @module The upscaler's signature as its file declares it: one float32 or float16 input `[N, 3, H, W]` and one such
 * output. Read from the file's own graph, before the worker rewrites it (`withRgbPixels` hides the declared input and
 * output types from ONNX Runtime), so `serve` at load and `models verify` refuse the same files with the file's names.
 */
import onnxProto, { type onnx } from "onnx-proto";
import { DATA_TYPE_CODE } from "../../onnx/tensor-types.js";

const { onnx: proto } = onnxProto;

/** ONNX's element type codes, by name for messages. */
const TYPE_NAMES = new Map(Object.entries(DATA_TYPE_CODE).map(([name, code]) => [code, name]));
const FLOAT_CODES = new Set([DATA_TYPE_CODE.float32, DATA_TYPE_CODE.float16]);

/** An upscaler's declared input and output, and whether its input has one fixed height and width. */
export interface UpscalerSignature {
  input: string;
  output: string;
  fixedSize: boolean;
}

/**
 * Decodes `bytes` (the file `file`) and checks the upscaler signature; throws naming the file's own values.
 *
 * @throws {Error} when the file is not a valid ONNX model (the decoder's complaint as its `cause`), or its inputs and
 *   outputs are not one float `[N,3,H,W]` each.
 * @example upscalerSignature(await readFile(file), file) // { input: "input", output: "output", fixedSize: false }
 */
export function upscalerSignature(bytes: Uint8Array, file: string): UpscalerSignature {
  let model: onnx.ModelProto;
  try {
    model = proto.ModelProto.decode(bytes);
  } catch (cause) {
    throw new Error(`${file} is not a valid ONNX model: the file is damaged or is not ONNX`, { cause });
  }
  // Decoded messages have every repeated field, empty or not.
  const graph = model.graph as onnx.GraphProto | null;
  if (!graph) throw new Error(`${file} is not a valid ONNX model: it has no graph`);
  const weights = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((i) => !weights.has(i.name));
  const names = (values: onnx.IValueInfoProto[]) => `[${values.map((v) => v.name).join(",")}]`;
  if (inputs.length !== 1 || graph.output.length !== 1) {
    throw new Error(
      `an upscaler has one input and one output; ${file} has inputs ${names(inputs)} and outputs ${names(graph.output)}`,
    );
  }
  const [input, output] = [inputs[0], graph.output[0]] as onnx.IValueInfoProto[];
  let fixedSize = false;
  for (const [role, value] of [
    ["input", input],
    ["output", output],
  ] as const) {
    const tensor = value?.type?.tensorType;
    const code = tensor?.elemType ?? 0;
    if (!FLOAT_CODES.has(code)) {
      const type = TYPE_NAMES.get(code) ?? `element type ${code}`;
      throw new Error(`an upscaler's ${role} must be float32 or float16; ${file}'s ${role} ${value?.name} is ${type}`);
    }
    const dims = tensor?.shape?.dim?.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))) ?? [];
    // A fixed channel count other than 3 (an SD VAE decoder's 4 latent channels) is not RGB.
    if (tensor?.shape && (dims.length !== 4 || (typeof dims[1] === "number" && dims[1] !== 3))) {
      throw new Error(
        `an upscaler's ${role} is [N,3,H,W] (RGB); ${file}'s ${role} ${value?.name} is [${dims.join(",")}]`,
      );
    }
    if (role === "input") fixedSize = dims.slice(2).some((d) => typeof d === "number" && d > 0);
  }
  return { input: input?.name ?? "", output: output?.name ?? "", fixedSize };
}
