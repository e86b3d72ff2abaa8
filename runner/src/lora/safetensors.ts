/**
 * @module A reader of `.safetensors` files (8-byte little-endian header length, a JSON header of
 * `{name: {dtype, shape, data_offsets}}` plus optional `__metadata__`, then the raw little-endian data), giving
 * float32 values for F32, F16, BF16 and F64 tensors.
 */
import { fromHalfBits } from "../onnx/float16.js";

/** One tensor of a safetensors file. */
export interface SafeTensor {
  dtype: string;
  shape: number[];
  /** The values as float32 (converted from F16/BF16/F64). */
  data: Float32Array;
}

/** A parsed safetensors file. */
export interface SafeTensors {
  metadata: Record<string, string>;
  tensors: Map<string, SafeTensor>;
}

const FLOAT_TYPES = new Set(["F32", "F16", "BF16", "F64"]);

/** The reference implementation refuses longer headers (`MAX_HEADER_SIZE` in huggingface/safetensors' tensor.rs). */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parses a safetensors file held in memory.
 *
 * @throws {Error} on a malformed file (short, a header length past the file's end or over 100 MB, a header that is
 *   not JSON, offsets out of range) or a non-float tensor.
 * @example
 * const { tensors, metadata } = readSafetensors(await readFile("pytorch_lora_weights.safetensors"));
 */
export function readSafetensors(bytes: Uint8Array): SafeTensors {
  if (bytes.byteLength < 8) throw new Error("not a safetensors file: shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES)
    throw new Error(`not a safetensors file: header length ${headerLength} is over the format's ${MAX_HEADER_BYTES}`);
  if (headerLength > bytes.byteLength - 8)
    throw new Error(`not a safetensors file: header length ${headerLength} exceeds the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (cause) {
    throw new Error("not a safetensors file: the header is not JSON", { cause });
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new Error("not a safetensors file: the header is not a JSON object");
  }
  const base = 8 + headerLength;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, SafeTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, offsets } = tensorInfo(name, info);
    if (!FLOAT_TYPES.has(dtype)) throw new Error(`safetensors tensor ${name}: dtype ${dtype} is not a float type`);
    const [begin, end] = offsets;
    if (!(end >= begin && base + end <= bytes.byteLength)) {
      throw new Error(`safetensors tensor ${name}: data offsets [${begin}, ${end}] are outside the file`);
    }
    const raw = new Uint8Array(bytes.subarray(base + begin, base + end));
    const count = shape.reduce((a, b) => a * b, 1);
    const data = toFloat32(dtype, raw.buffer);
    if (data.length !== count)
      throw new Error(`safetensors tensor ${name}: ${data.length} values for shape [${shape}]`);
    tensors.set(name, { dtype, shape, data });
  }
  return { metadata, tensors };
}

/** Whole numbers from 0 to 2^53 − 1: what a shape's dimensions and a tensor's byte offsets may be. */
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * A header entry's dtype, shape and offsets, checked for their JSON types first: a hostile header's `"shape": "abc"`
 * or `null` entry gets a message about the file, not a JavaScript error about `reduce`.
 */
function tensorInfo(name: string, info: unknown): { dtype: string; shape: number[]; offsets: [number, number] } {
  const entry = (info ?? undefined) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | undefined;
  const fail = (what: string) => new Error(`safetensors tensor ${name}: ${what}`);
  if (typeof entry !== "object" || Array.isArray(entry)) throw fail("its header entry is not an object");
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== "string") throw fail("dtype is missing or not a string");
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw fail(`shape must be a list of whole numbers ≥ 0, got ${JSON.stringify(shape) ?? "nothing"}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw fail(`data_offsets must be two whole numbers ≥ 0, got ${JSON.stringify(offsets) ?? "nothing"}`);
  }
  return { dtype, shape, offsets: offsets as [number, number] };
}

function toFloat32(dtype: string, buffer: ArrayBuffer): Float32Array {
  if (dtype === "F32") return new Float32Array(buffer);
  if (dtype === "F64") return Float32Array.from(new Float64Array(buffer));
  const halves = new Uint16Array(buffer);
  if (dtype === "F16") return fromHalfBits(halves);
  const out = new Float32Array(halves.length);
  const u = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) u[i] = (halves[i] as number) << 16;
  return out;
}

/**
 * Writes a safetensors file (used to make LoRA files for tests and demos).
 *
 * @example
 * writeSafetensors({ "x.lora_A.weight": { shape: [2, 3], data: new Float32Array(6) } }, { format: "pt" });
 */
export function writeSafetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(json.byteLength + ((8 - (json.byteLength % 8)) % 8)).fill(0x20);
  head.set(json);
  const out = new Uint8Array(8 + head.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.byteLength), true);
  out.set(head, 8);
  let at = 8 + head.byteLength;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
