/**
 * @module prependGraph: the merged model computes what the preparation and the model compute in turn (same bytes,
 * one session), renames the preparation's inner values apart from the model's, and leaves alone the models it
 * cannot change (external weights, another opset, clashing names) with the reason.
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "./graph-builder.js";
import { prependGraph } from "./prepend-graph.js";

/** y = x·w + b over [1, 4] floats, with an inner value named like the preparation's. */
function model(opset = 17, external = false): Uint8Array {
  const g = new GraphBuilder("model");
  const x = g.input("x", "float32", ["batch", 4]);
  const w = g.initializer("w", "float32", [4], Float32Array.of(0.5, -2, 3, 0.25));
  const scaled = g.node("Mul", [x, w]);
  g.output(g.node("Add", [scaled, g.initializer("b", "float32", [4], Float32Array.of(1, 2, 3, 4))]), "y", "float32", [
    "batch",
    4,
  ]);
  return external
    ? g.toSplitBytes({ opset }, { location: "model.onnx_data", minBytes: 0 }).model
    : g.toBytes({ opset });
}

/** x = float(bytes) / 255 − offset, with inner names that also occur in the model. */
function preparation(opset = 17, input = "bytes"): Uint8Array {
  const g = new GraphBuilder("pre");
  const cast = g.node("Cast", [g.input(input, "uint8", [1, 4])], { to: 1 });
  const unit = g.node("Div", [cast, g.initializer("b", "float32", [], Float32Array.of(255))]);
  g.output(g.node("Sub", [unit, g.input("offset", "float32", [1])]), "out", "float32", [1, 4]);
  return g.toBytes({ opset });
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, output: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return (await session.run(feeds))[output]?.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe("prependGraph", () => {
  const bytes = new ort.Tensor("uint8", Uint8Array.of(0, 17, 128, 255), [1, 4]);
  const offset = new ort.Tensor("float32", Float32Array.of(0.125), [1]);

  it("runs the preparation inside the model: the same floats as the two graphs in turn", async () => {
    const seen: unknown[] = [];
    const merged = prependGraph(
      model(),
      (names) => names[0],
      (target) => {
        seen.push(target);
        return preparation(target.opset);
      },
    );
    expect(merged.reason).toBeUndefined();
    expect(seen).toEqual([{ name: "x", type: "float32", shape: ["batch", 4], opset: 17 }]);
    const x = await run(preparation(), { bytes, offset }, "out");
    const expected = await run(model(), { x: new ort.Tensor("float32", x, [1, 4]) }, "y");
    const session = await ort.InferenceSession.create(merged.bytes as Uint8Array);
    try {
      expect(session.inputNames).toEqual(["bytes", "offset"]);
      expect(session.outputNames).toEqual(["y"]);
      const got = (await session.run({ bytes, offset })).y?.data as Float32Array;
      expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      const plain = [0, 17, 128, 255].map((b, i) => (b / 255 - 0.125) * [0.5, -2, 3, 0.25][i]! + i + 1);
      for (const [i, v] of got.entries()) expect(v).toBeCloseTo(plain[i]!, 5);
    } finally {
      await session.release();
    }
  });

  it.each([
    ["external weights", () => model(17, true), () => preparation(), /external data file/],
    ["another opset", () => model(13), () => preparation(17), /opset 13 is not the preparation's 17/],
    ["an input name the model already uses", () => model(), () => preparation(17, "w"), /name w clashes/],
  ])("leaves a model alone for %s, with the reason", (_, m, pre, reason) => {
    const merged = prependGraph(m(), (names) => names[0], pre);
    expect(merged.bytes).toBeUndefined();
    expect(merged.reason).toMatch(reason);
  });

  it("passes on the reason the preparation gives, and refuses an input the model lacks", () => {
    expect(
      prependGraph(
        model(),
        () => "x",
        () => ({ reason: "no" }),
      ).reason,
    ).toBe("no");
    expect(
      prependGraph(
        model(),
        () => "nope",
        () => preparation(),
      ).reason,
    ).toBe("it has no input nope");
  });
});
