/**
 * @module EDM pieces used by Stable Video Diffusion's scheduler: Karras sigmas, the preconditioning scalings and the
 * per-frame guidance ramp (Karras et al., "Elucidating the Design Space of Diffusion-Based Generative Models", 2022).
 */
import { linspace } from "./noise-schedule.js";

/**
 * σ_i = (σmax^{1/ρ} + i/(n−1)·(σmin^{1/ρ} − σmax^{1/ρ}))^ρ, descending from σmax to σmin (Karras et al. eq. 5).
 *
 * @example
 * karrasSigmas(0.002, 700, 4); // [700, 70.54…, 2.269…, 0.002]
 */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): number[] {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** The EDM preconditioning of a v-prediction network at noise level σ (σ_data = 1, as SVD is trained). */
export interface EdmScalings {
  /** Input scale 1/√(σ²+1). */
  cIn: number;
  /** Skip weight 1/(σ²+1). */
  cSkip: number;
  /** Output weight −σ/√(σ²+1). */
  cOut: number;
  /** Network timestep 0.25·ln σ. */
  cNoise: number;
}

/**
 * The EDM scalings at σ: x₀ = c_skip·x + c_out·F(c_in·x, c_noise).
 *
 * @example
 * edmScalings(1).cSkip; // 0.5
 */
export function edmScalings(sigma: number): EdmScalings {
  const s2 = sigma * sigma + 1;
  return { cIn: 1 / Math.sqrt(s2), cSkip: 1 / s2, cOut: -sigma / Math.sqrt(s2), cNoise: 0.25 * Math.log(sigma) };
}

/**
 * SVD's guidance scale per frame: linear from `min` at the first frame to `max` at the last.
 *
 * @example
 * guidanceRamp(1, 3, 3); // [1, 2, 3]
 */
export function guidanceRamp(min: number, max: number, frames: number): number[] {
  return linspace(min, max, frames);
}
