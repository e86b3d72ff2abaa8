/**
 * @module Session options: ONNX Runtime's pool threads do not spin unless `SPIN_WAIT=1`, a memory strategy passes
 * through when given, and sessions open with them.
 */
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { modelsDir } from "../../test/helpers.js";
import { loadConfig } from "../config.js";
import { installModel } from "../models/install.js";
import { createSession, sessionOptions } from "./session.js";

const spinning = (o: ort.InferenceSession.SessionOptions) =>
  (o.extra as { session: { intra_op: { allow_spinning: string }; inter_op: { allow_spinning: string } } }).session;

describe("session options", () => {
  it("turn spinning off by default and on with SPIN_WAIT=1", () => {
    expect(loadConfig([], {}).spinWait).toBe(0);
    expect(loadConfig(["--spin-wait", "1"], {}).spinWait).toBe(1);
    const off = spinning(sessionOptions({ intraOpThreads: 0 }));
    expect(off).toEqual({ intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } });
    const on = spinning(sessionOptions({ intraOpThreads: 2, spinWait: true }));
    expect(on).toEqual({ intra_op: { allow_spinning: "1" }, inter_op: { allow_spinning: "1" } });
    expect(sessionOptions({ intraOpThreads: 2 }).intraOpNumThreads).toBe(2);
  });

  it("leave ONNX Runtime's memory defaults unless a memory strategy is given", () => {
    const plain = sessionOptions({ intraOpThreads: 0 });
    expect(plain).not.toHaveProperty("enableCpuMemArena");
    expect(plain).not.toHaveProperty("enableMemPattern");
    const lean = sessionOptions({ intraOpThreads: 0, memory: { cpuArena: false, memPattern: false } });
    expect(lean).toMatchObject({ enableCpuMemArena: false, enableMemPattern: false });
    const planned = sessionOptions({ intraOpThreads: 0, memory: { cpuArena: true, memPattern: true } });
    expect(planned).toMatchObject({ enableCpuMemArena: true, enableMemPattern: true });
  });

  it("open a real session that runs", async () => {
    const models = await modelsDir([]);
    try {
      await installModel("tiny/esrgan-x4", models.dir);
      const { session, provider } = await createSession(join(models.dir, "tiny/esrgan-x4/model.onnx"), {
        executionProvider: "cpu",
        intraOpThreads: 1,
        log: () => {},
      });
      expect(provider).toBe("cpu");
      const input = new ort.Tensor("float32", new Float32Array(3 * 8 * 8).fill(0.5), [1, 3, 8, 8]);
      const out = await session.run({ [session.inputNames[0]!]: input });
      expect(out[session.outputNames[0]!]!.dims).toEqual([1, 3, 32, 32]);
      await session.release();
    } finally {
      await models.cleanup();
    }
  });
});
