/** @module The graph builder's models load and compute the right values in a real ONNX Runtime session. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { float, GraphBuilder } from "./index.js";

function affine() {
  const g = new GraphBuilder("affine");
  const x = g.input("x", "float32", ["N", 4]);
  const w = g.initializer(
    "w",
    "float32",
    [4, 300],
    Float32Array.from({ length: 1200 }, (_, i) => (i % 7) - 3),
  );
  const b = g.initializer(
    "b",
    "float32",
    [300],
    Float32Array.from({ length: 300 }, (_, i) => i / 10),
  );
  const y = g.node("Add", [g.node("MatMul", [x, w]), b]);
  g.output(g.node("LeakyRelu", [y], { alpha: float(0.5) }), "y", "float32", ["N", 300]);
  return g;
}

function expected(x: number[]) {
  return Array.from({ length: 300 }, (_, j) => {
    let s = j / 10;
    for (let i = 0; i < 4; i++) s += x[i]! * (((i * 300 + j) % 7) - 3);
    return s >= 0 ? s : 0.5 * s;
  });
}

describe("GraphBuilder", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("writes a model with inline weights, symbolic dims and metadata that ONNX Runtime runs", async () => {
    const session = await ort.InferenceSession.create(affine().toBytes({ metadata: { scale: "4" } }));
    expect(session.inputNames).toEqual(["x"]);
    expect(session.outputNames).toEqual(["y"]);
    const x = [1, -2, 0.5, 3];
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x), [1, 4]) });
    const y = Array.from(out.y!.data as Float32Array);
    expect(out.y!.dims).toEqual([1, 300]);
    for (const [j, v] of expected(x).entries()) expect(y[j]).toBeCloseTo(v, 4);
    await session.release();
  });

  it("moves large weights to an external data file and the model still loads from disk", async () => {
    const dir = await mkdtemp(join(tmpdir(), "avs-onnx-"));
    dirs.push(dir);
    const { model, data } = affine().toSplitBytes({}, { location: "model.onnx_data", minBytes: 1024 });
    expect(data.byteLength).toBe(1200 * 4 + 300 * 4);
    expect(model.byteLength).toBeLessThan(2000);
    await writeFile(join(dir, "model.onnx"), model);
    await writeFile(join(dir, "model.onnx_data"), data);
    const session = await ort.InferenceSession.create(join(dir, "model.onnx"));
    const x = [0.25, 1, -1, 2];
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x), [1, 4]) });
    expect(Array.from(out.y!.data as Float32Array)[7]).toBeCloseTo(expected(x)[7]!, 4);
    await session.release();
  });

  it("rejects a weight whose length does not match its dims, and duplicate names", () => {
    const g = new GraphBuilder();
    expect(() => g.initializer("w", "float32", [2, 2], new Float32Array(3))).toThrow(
      "initializer w: 3 values for dims [2, 2] (4 expected)",
    );
    g.input("x", "float32", [1]);
    expect(() => g.input("x", "float32", [1])).toThrow("the graph already has a value named x");
  });
});
