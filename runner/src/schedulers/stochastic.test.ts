/** @module Euler ancestral, `add_noise` and the seeded noise stream, checked against hand-computed values. */
import { describe, expect, it } from "vitest";
import { batchNoise, createScheduler, SeededNoise } from "./index.js";
import { splitMix64 } from "./seeded-noise.js";

const SD = { beta_schedule: "scaled_linear", beta_start: 0.00085, beta_end: 0.012 };
const constant = (c: number) => (n: number) => new Float32Array(n).fill(c);

describe("EulerAncestralDiscreteScheduler", () => {
  const plan = createScheduler({
    _class_name: "EulerAncestralDiscreteScheduler",
    ...SD,
    timestep_spacing: "trailing",
  }).plan(2);

  it("steps to σ_down and adds σ_up of the drawn noise", () => {
    // σ 14.614655 → 1.612887: σ_up = 1.6030345, σ_down = 0.1779996 (numpy); x=1, ε=0.5, noise 0.25.
    const { prevSample } = plan.step(Float32Array.of(0.5), 0, Float32Array.of(1), constant(0.25));
    expect(prevSample[0]).toBeCloseTo(-5.8175693, 5);
  });

  it("draws no noise on the last step (σ_to = 0) and returns x̂₀", () => {
    let drawn = 0;
    const { prevSample } = plan.step(Float32Array.of(0.5), 1, Float32Array.of(1), (n) => {
      drawn += n;
      return new Float32Array(n);
    });
    expect(drawn).toBe(0);
    expect(prevSample[0]).toBeCloseTo(1 - 1.6128867 * 0.5, 5);
  });
});

describe("add_noise", () => {
  it("Euler: x₀ + σ_i·ε at the start step", () => {
    const plan = createScheduler({ _class_name: "EulerDiscreteScheduler", ...SD, timestep_spacing: "trailing" }).plan(
      2,
    );
    expect(plan.addNoise(Float32Array.of(2), Float32Array.of(0.5), 1)[0]).toBeCloseTo(2.8064433, 5);
  });

  it("DDIM and LCM: √ᾱ·x₀ + √(1−ᾱ)·ε", () => {
    for (const cls of ["DDIMScheduler", "LCMScheduler"]) {
      const plan = createScheduler({ _class_name: cls, ...SD, timestep_spacing: "trailing" }).plan(4);
      // trailing/LCM n=4 both start at t=999, ᾱ = 0.0046601
      const got = plan.addNoise(Float32Array.of(2), Float32Array.of(0.5), 0)[0] as number;
      expect(got).toBeCloseTo(Math.sqrt(0.0046601) * 2 + Math.sqrt(1 - 0.0046601) * 0.5, 5);
    }
  });
});

describe("seeded noise", () => {
  it("gives the same floats for the same seed and different ones for another", () => {
    const a = new SeededNoise(42).normal(1000);
    expect(Buffer.from(a.buffer)).toEqual(Buffer.from(new SeededNoise(42).normal(1000).buffer));
    expect(Buffer.from(a.buffer)).not.toEqual(Buffer.from(new SeededNoise(43).normal(1000).buffer));
  });

  it("does not depend on how the draws are split", () => {
    const s = new SeededNoise(7);
    const parts = [...s.normal(3), ...s.normal(5)];
    expect(Float32Array.from(parts)).toEqual(new SeededNoise(7).normal(8));
  });

  it("is standard normal (mean ≈ 0, variance ≈ 1 over 200k draws)", () => {
    const x = new SeededNoise(2 ** 53 - 1).normal(200_000);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
  });

  it("seeds with SplitMix64 in 32-bit halves, equal to the 64-bit definition", () => {
    const MASK = (1n << 64n) - 1n;
    const reference = (state: bigint) => {
      const next = (state + 0x9e3779b97f4a7c15n) & MASK;
      let z = next;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
      return { next, out: z ^ (z >> 31n) };
    };
    const join = ([hi, lo]: [number, number]) => (BigInt(hi) << 32n) | BigInt(lo);
    const seeds = [
      0,
      1,
      42,
      0xffffffff,
      2 ** 32,
      2 ** 53 - 1,
      ...Array.from({ length: 200 }, (_, i) => i * 45_035_996_273_705 + 7),
    ];
    for (const seed of seeds) {
      let state = BigInt(seed);
      let halves = splitMix64(Math.floor(seed / 2 ** 32), seed >>> 0);
      for (let k = 0; k < 3; k++) {
        const want = reference(state);
        expect(join(halves.out)).toBe(want.out);
        expect(join(halves.state)).toBe(want.next);
        state = want.next;
        halves = splitMix64(...halves.state);
      }
    }
  });

  it("is pinned: seed 0's first values never change between versions", () => {
    expect(Array.from(new SeededNoise(0).normal(3), (v) => v.toFixed(6))).toMatchInlineSnapshot(`
      [
        "-0.423190",
        "-0.314402",
        "0.085140",
      ]
    `);
  });

  it("draws a long stream in blocks that continue each other: the same values as many small draws", () => {
    // 100 003 values span several blocks and end on half a pair; small draws never fill a block.
    const whole = new SeededNoise(5).normal(100_003);
    const pieces = new SeededNoise(5);
    const parts: Float32Array[] = [];
    for (let n = 0; n < 100_003; n += 1001) parts.push(pieces.normal(Math.min(1001, 100_003 - n)));
    expect(Buffer.from(whole.buffer)).toEqual(Buffer.concat(parts.map((p) => Buffer.from(p.buffer))));
    // The spare value of the odd end carries over to the next draw, as between small draws.
    const next = new SeededNoise(5);
    next.normal(100_003);
    expect(next.normal(2)).toEqual(pieces.normal(2));
  });

  it("gives image i of a batch the stream of seed+i whatever the batch size", () => {
    const batch = batchNoise([10, 11])(8);
    expect(batch.subarray(4)).toEqual(new SeededNoise(11).normal(4));
    expect(() => new SeededNoise(-1)).toThrow(/seed must be an integer/);
  });
});

describe("PNDMScheduler (PLMS, skip_prk_steps)", () => {
  const config = { _class_name: "PNDMScheduler", ...SD, skip_prk_steps: true, steps_offset: 1 };

  it("repeats the second timestep (n steps → n + 1 UNet calls)", () => {
    expect(createScheduler(config).plan(4).timesteps).toEqual([751, 501, 501, 251, 1]);
  });

  it("warms up by averaging the first two outputs, then runs the 2-step multistep rule", () => {
    // Expected by the DDIM (η = 0) update, which PLMS's transfer equals: x' = √ᾱ'·(x − √(1−ᾱ)ε)/√ᾱ + √(1−ᾱ')ε.
    const plan = createScheduler(config).plan(4);
    const x1 = plan.step(Float32Array.of(0.5), 0, Float32Array.of(1), constant(0)).prevSample;
    expect(x1[0]).toBeCloseTo(1.56792, 5);
    const x2 = plan.step(Float32Array.of(0.3), 1, x1, constant(0)).prevSample; // from x=1 with ε=(0.3+0.5)/2
    expect(x2[0]).toBeCloseTo(1.6986542, 5);
    const x3 = plan.step(Float32Array.of(0.2), 2, x2, constant(0)).prevSample; // ε=(3·0.2−0.5)/2, 501 → 251
    expect(x3[0]).toBeCloseTo(2.6177333, 4);
  });

  it("refuses the PRK warm-up it does not implement", () => {
    expect(() => createScheduler({ ...config, skip_prk_steps: false })).toThrow(
      /skip_prk_steps false is not supported/,
    );
  });
});
