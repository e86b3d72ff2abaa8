/** @module Node attributes for the ONNX graph builder: plain JS values mapped to `AttributeProto`s. */
import type { onnx } from "onnx-proto";

/** A float attribute (a JS number is written as an INT when it is an integer; wrap it to force FLOAT). */
export interface FloatAttr {
  kind: "float";
  value: number;
}
/** A list of floats (see {@link FloatAttr}). */
export interface FloatsAttr {
  kind: "floats";
  value: number[];
}
/** A tensor attribute, e.g. the `value` of a `Constant` node. */
export interface TensorAttr {
  kind: "tensor";
  value: onnx.ITensorProto;
}

/** What a node attribute may be given as. */
export type AttrValue = number | number[] | string | string[] | FloatAttr | FloatsAttr | TensorAttr;

/**
 * Forces a FLOAT attribute.
 * @example g.node("LeakyRelu", [x], { alpha: float(1) })
 */
export function float(value: number): FloatAttr {
  return { kind: "float", value };
}

/**
 * Forces a FLOATS attribute.
 * @example g.node("Resize", [x, "", scales], { ... , extrapolation_value: float(0) })
 */
export function floats(value: number[]): FloatsAttr {
  return { kind: "floats", value };
}

// onnx.AttributeProto.AttributeType codes, from onnx/onnx.proto.
const FLOAT = 1;
const INT = 2;
const STRING = 3;
const TENSOR = 4;
const FLOATS = 6;
const INTS = 7;
const STRINGS = 8;

const utf8 = new TextEncoder();

/**
 * Converts `{name: value}` into attribute protos: integers → INT(S), other numbers → FLOAT(S), strings → STRING(S).
 * @example toAttributes({ kernel_shape: [3, 3], pads: [1, 1, 1, 1] })
 */
export function toAttributes(attrs: Record<string, AttrValue | undefined>): onnx.IAttributeProto[] {
  const out: onnx.IAttributeProto[] = [];
  for (const [name, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    if (typeof v === "number") {
      out.push(Number.isInteger(v) ? { name, type: INT, i: v } : { name, type: FLOAT, f: v });
    } else if (typeof v === "string") {
      out.push({ name, type: STRING, s: utf8.encode(v) });
    } else if (Array.isArray(v)) {
      if (v.every((x) => typeof x === "string")) {
        out.push({ name, type: STRINGS, strings: (v as string[]).map((s) => utf8.encode(s)) });
      } else if ((v as number[]).every(Number.isInteger)) out.push({ name, type: INTS, ints: v as number[] });
      else out.push({ name, type: FLOATS, floats: v as number[] });
    } else if (v.kind === "float") out.push({ name, type: FLOAT, f: v.value });
    else if (v.kind === "floats") out.push({ name, type: FLOATS, floats: v.value });
    else out.push({ name, type: TENSOR, t: v.value });
  }
  return out;
}
