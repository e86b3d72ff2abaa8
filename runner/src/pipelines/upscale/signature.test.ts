/**
 * @module An upscaler that cannot work is refused when it loads, as `models verify` refuses it, with the file's own
 * input and output names: a non-float output (every request would fail), a 4-channel input (an SD VAE decoder would
 * be served as a ×8 upscaler), and a damaged file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { afterAll, expect, it } from "vitest";
import { tinyEsrganModel } from "../../models/factory/esrgan-tiny.js";
import { writeTinySdModel } from "../../models/factory/sd-tiny.js";
import { verifyUpscaler } from "./verify.js";
import { upscaleWorker } from "./worker.js";

const root = mkdtempSync(join(tmpdir(), "avs-upscale-signature-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `bytes` as `root/<name>/model.onnx`; the folder. */
function install(name: string, bytes: Uint8Array): string {
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, name, "model.onnx"), bytes);
  return join(root, name);
}

/** The tiny ×4 upscaler with a Cast to ONNX type `code` after its output. */
function castOutput(code: number): Uint8Array {
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(tinyEsrganModel());
  const graph = model.graph as onnxProto.onnx.GraphProto;
  const out = graph.output[0] as onnxProto.onnx.ValueInfoProto;
  for (const node of graph.node) node.output = (node.output ?? []).map((o) => (o === out.name ? "pre_cast" : o));
  graph.node.push(
    onnx.NodeProto.create({
      opType: "Cast",
      input: ["pre_cast"],
      output: [out.name],
      attribute: [onnx.AttributeProto.create({ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: code })],
    }),
  );
  (out.type as onnxProto.onnx.TypeProto).tensorType!.elemType = code;
  return onnx.ModelProto.encode(model).finish();
}

/** What loading and verifying `dir` say: both must refuse. */
async function refusals(dir: string): Promise<[string, string]> {
  const load = upscaleWorker.load({
    modelId: "x/up",
    modelPath: dir,
    executionProvider: "cpu",
    intraOpThreads: 1,
    options: { tileSize: 32, tileOverlap: 4 },
    log: () => {},
  });
  const loadError = await load.then(
    async (loaded) => {
      await loaded.release();
      return "loaded";
    },
    (err: Error) => err.message,
  );
  const verifyError = await verifyUpscaler(dir, "x/up", { pipeline: "upscale", tiny: true }).then(
    () => "verified",
    (err: Error) => err.message,
  );
  return [loadError, verifyError];
}

it("refuses an upscaler whose output is not float at load, as verify does, naming the file's output", async () => {
  for (const [code, type] of [
    [6, "int32"],
    [2, "uint8"],
    [11, "float64"],
  ] as const) {
    const dir = install(`out-${type}`, castOutput(code));
    const expected = `an upscaler's output must be float32 or float16; ${join(dir, "model.onnx")}'s output output is ${type}`;
    expect(await refusals(dir)).toEqual([expected, expected]);
  }
});

it("refuses a 4-channel model (an SD VAE decoder) at load, as verify does, naming the file's input", async () => {
  writeTinySdModel(join(root, "sd"), "sd15");
  const dir = install("vae", readFileSync(join(root, "sd", "vae_decoder", "model.onnx")));
  const [load, verify] = await refusals(dir);
  expect(load).toMatch(/^an upscaler's input is \[N,3,H,W\] \(RGB\); .*\/vae\/model.onnx's input latent_sample is \[/);
  expect(verify).toBe(load);
});

it("says a damaged file is not a valid ONNX model, keeping the decoder's complaint as the cause", async () => {
  const good = tinyEsrganModel();
  const dir = install("damaged", good.subarray(0, Math.floor(good.length / 2)));
  const message = `${join(dir, "model.onnx")} is not a valid ONNX model: the file is damaged or is not ONNX`;
  expect(await refusals(dir)).toEqual([message, message]);
  const ok = install("ok", good);
  expect(await refusals(ok)).toEqual(["loaded", "verified"]);
});
