#!/usr/bin/env python3
"""Reference values for DPMSolverMultistepScheduler -> dpm-solver-vectors.json (run: python3 dpm-solver-vectors.py).

An independent numpy implementation of the multistep DPM-Solver++ of Lu et al., "DPM-Solver++: Fast Solver for
Guided Sampling of Diffusion Probabilistic Models" (2022, arXiv:2211.01095): the first-order update (their eq. 8 in
data-prediction form, equivalent to DDIM), the second-order multistep update (algorithm 2, "2M", with the midpoint
and Heun variants of the D1 term) and the third-order one (from DPM-Solver, arXiv:2206.00927), plus the SDE variant
("sde-dpmsolver++", section 4 of the paper's appendix), with the conventions diffusers documents for its
`DPMSolverMultistepScheduler` config:

* the training schedule in float32 (betas, cumulative products), sigma = sqrt((1 - acp) / acp);
* timesteps from `timestep_spacing` over num_inference_steps + 1 points (linspace / leading drop the last one,
  trailing steps down from num_train_timesteps), after clipping at `lambda_min_clipped`;
* optional Karras sigmas (rho 7) between the training schedule's smallest and largest sigma, mapped back to
  (rounded) timesteps by interpolation in log sigma; cosine schedules keep the truncated value;
* a final sigma of 0 (`final_sigmas_type: zero`) or the training schedule's smallest (`sigma_min`);
* x_t = alpha * x0 + sigma_t * eps with alpha = 1 / sqrt(sigma^2 + 1), sigma_t = sigma * alpha, lambda = ln(alpha / sigma_t);
* lower-order steps while the history fills, at the last step (`lower_order_final` below 15 steps, `euler_at_final`,
  or a final sigma of 0) and at the second-to-last (`lower_order_final` below 15 steps);
* model output, sample and each update in float32.

The "model" of the trajectories is m(x)_k = 0.3 * x_k - 0.05 * (k + 1) + 0.02 * i (float64, then float32) at step i
and element k; the SDE noise at step i is z_k = ((7k + 3i) mod 5 - 2) / 2. Key names say the case.
"""

import json
import math
import os

import numpy as np

F = np.float32


def alphas_cumprod(cfg):
    n = cfg.get("num_train_timesteps", 1000)
    schedule = cfg.get("beta_schedule", "linear")
    start, end = cfg.get("beta_start", 0.0001), cfg.get("beta_end", 0.02)
    if schedule == "scaled_linear":
        r = np.linspace(start**0.5, end**0.5, n).astype(F)
        betas = r * r
    elif schedule == "linear":
        betas = np.linspace(start, end, n).astype(F)
    else:  # squaredcos_cap_v2 (Nichol & Dhariwal 2021), beta capped at 0.999
        bar = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = np.array([min(1 - bar((i + 1) / n) / bar(i / n), 0.999) for i in range(n)]).astype(F)
    return np.cumprod((F(1) - betas).astype(F), dtype=F)


def sigma_to_t(sigma, log_sigmas):
    log_sigma = np.log(max(sigma, 1e-10))
    dists = log_sigma - log_sigmas
    low = min(int(np.cumsum(dists >= 0).argmax()), len(log_sigmas) - 2)
    lo, hi = float(log_sigmas[low]), float(log_sigmas[low + 1])
    w = min(max((lo - log_sigma) / (lo - hi), 0.0), 1.0)
    return (1 - w) * low + w * (low + 1)


def schedule(cfg, n):
    T = cfg.get("num_train_timesteps", 1000)
    acp = alphas_cumprod(cfg)
    lam = np.log(np.sqrt(acp)) - np.log(np.sqrt(F(1) - acp))
    clipped = int(np.searchsorted(lam[::-1], cfg.get("lambda_min_clipped", -math.inf), side="left"))
    last = T - clipped
    spacing = cfg.get("timestep_spacing", "linspace")
    if spacing == "linspace":
        ts = np.linspace(0, last - 1, n + 1).round()[::-1][:-1].astype(np.int64)
    elif spacing == "leading":
        ratio = last // (n + 1)
        ts = (np.arange(0, n + 1) * ratio).round()[::-1][:-1].astype(np.int64) + cfg.get("steps_offset", 0)
    else:
        ts = np.arange(last, 0, -T / n).round().astype(np.int64) - 1
    sigmas = ((F(1) - acp) / acp) ** F(0.5)
    log_sigmas = np.log(sigmas)
    if cfg.get("use_karras_sigmas", False):
        smax, smin = float(sigmas[-1]), float(sigmas[0])
        ramp = np.linspace(0, 1, n)
        sig = (smax ** (1 / 7) + ramp * (smin ** (1 / 7) - smax ** (1 / 7))) ** 7
        t = np.array([sigma_to_t(s, log_sigmas) for s in sig])
        if cfg.get("beta_schedule") != "squaredcos_cap_v2":
            t = t.round()
        ts = np.trunc(t).astype(np.int64)
    else:
        sig = np.interp(ts, np.arange(len(sigmas)), sigmas)
    final = float(((F(1) - acp[0]) / acp[0]) ** F(0.5)) if cfg.get("final_sigmas_type") == "sigma_min" else 0.0
    return [int(t) for t in ts], np.concatenate([sig, [final]]).astype(F)


def alpha_sigma(sigma):
    alpha = F(1) / (sigma * sigma + F(1)) ** F(0.5)
    return alpha, sigma * alpha


def lam(alpha, sigma_t):
    with np.errstate(divide="ignore"):
        return np.log(alpha) - np.log(sigma_t)


class Dpm:
    def __init__(self, cfg, n):
        self.cfg = cfg
        self.order = cfg.get("solver_order", 2)
        self.timesteps, self.sigmas = schedule(cfg, n)
        self.outputs = []
        self.lower = 0

    def x0(self, m, x, i):
        alpha, sigma_t = alpha_sigma(self.sigmas[i])
        p = self.cfg.get("prediction_type", "epsilon")
        if p == "epsilon":
            return ((x - sigma_t * m) / alpha).astype(F)
        if p == "v_prediction":
            return (alpha * x - sigma_t * m).astype(F)
        return m.astype(F)

    def step(self, m, i, x, z):
        c = self.cfg
        n = len(self.timesteps)
        final_zero = c.get("final_sigmas_type", "zero") == "zero"
        short = c.get("lower_order_final", True) and n < 15
        lower_final = i == n - 1 and (c.get("euler_at_final", False) or short or final_zero)
        lower_second = i == n - 2 and short
        x0 = self.x0(m, x, i)
        self.outputs = (self.outputs + [x0])[-self.order :]
        sde = c.get("algorithm_type", "dpmsolver++") == "sde-dpmsolver++"
        heun = c.get("solver_type", "midpoint") == "heun"
        a_t, s_t = alpha_sigma(self.sigmas[i + 1])
        a0, s0 = alpha_sigma(self.sigmas[i])
        h = lam(a_t, s_t) - lam(a0, s0)
        if self.order == 1 or self.lower < 1 or lower_final:
            kind = 1
        elif self.order == 2 or self.lower < 2 or lower_second:
            kind = 2
        else:
            kind = 3
        m0 = self.outputs[-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == 1:
                d1 = d2 = None
            else:
                a1, s1 = alpha_sigma(self.sigmas[i - 1])
                h0 = lam(a0, s0) - lam(a1, s1)
                r0 = h0 / h
                if kind == 2:
                    d1 = (F(1) / r0) * (m0 - self.outputs[-2])
                else:
                    a2, s2 = alpha_sigma(self.sigmas[i - 2])
                    r1 = (lam(a1, s1) - lam(a2, s2)) / h
                    d10 = (F(1) / r0) * (m0 - self.outputs[-2])
                    d11 = (F(1) / r1) * (self.outputs[-2] - self.outputs[-3])
                    d1 = d10 + (r0 / (r0 + r1)) * (d10 - d11)
                    d2 = (F(1) / (r0 + r1)) * (d10 - d11)
            e = np.exp(-h)
            if not sde:
                out = (s_t / s0) * x - (a_t * (e - F(1))) * m0
                if kind == 2:
                    out = out - F(0.5) * (a_t * (e - F(1))) * d1 if not heun else out + (a_t * ((e - F(1)) / h + F(1))) * d1
                if kind == 3:
                    out = out + (a_t * ((e - F(1)) / h + F(1))) * d1 - (a_t * ((e - F(1) + h) / (h * h) - F(0.5))) * d2
            else:
                e2 = np.exp(F(-2) * h)
                out = (s_t / s0 * e) * x + (a_t * (F(1) - e2)) * m0 + s_t * np.sqrt(F(1) - e2) * z
                if kind == 2:
                    if heun:
                        out = out + (a_t * ((F(1) - e2) / (F(-2) * h) + F(1))) * d1
                    else:
                        out = out + F(0.5) * (a_t * (F(1) - e2)) * d1
        if self.lower < self.order:
            self.lower += 1
        return out.astype(F), x0

    def add_noise(self, x0, noise, i):
        alpha, sigma_t = alpha_sigma(self.sigmas[i])
        return (alpha * x0 + sigma_t * noise).astype(F)


def model(x, i):
    k = np.arange(len(x))
    return (0.3 * x.astype(np.float64) - 0.05 * (k + 1) + 0.02 * i).astype(F)


def noise_at(i, length):
    k = np.arange(length)
    return (((7 * k + 3 * i) % 5 - 2) * 0.5).astype(F)


START = np.array([0.8, -1.2, 0.3, 1.5], dtype=F)
CLEAN = np.array([0.5, -0.25, 1.0, -0.75], dtype=F)


def trajectory(cfg, n, begin=None):
    d = Dpm(cfg, n)
    first = 0
    if begin is None:
        x = START.copy()  # init_noise_sigma is 1
    else:
        first = begin
        x = d.add_noise(CLEAN, START, begin)
    out = {"timesteps": d.timesteps, "sigmas": [float(s) for s in d.sigmas], "prev_sample": [], "pred_original": []}
    if begin is not None:
        out["noised"] = [float(v) for v in x]
    for i in range(first, n):
        x, x0 = d.step(model(x, i), i, x, noise_at(i, len(x)))
        out["prev_sample"].append([float(v) for v in x])
        out["pred_original"].append([float(v) for v in x0])
    return out


SD = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "num_train_timesteps": 1000}
COSINE = {"beta_schedule": "squaredcos_cap_v2", "lambda_min_clipped": -5.1}

vectors = {}
for karras in (False, True):
    for spacing, offset in (("linspace", 0), ("leading", 1), ("trailing", 0)):
        for n in (1, 4, 25):
            for final in ("zero", "sigma_min"):
                cfg = {**SD, "timestep_spacing": spacing, "steps_offset": offset, "use_karras_sigmas": karras,
                       "final_sigmas_type": final}
                ts, sig = schedule(cfg, n)
                key = f"schedule n={n} {spacing} steps_offset={offset} karras={str(karras).lower()} final={final}"
                vectors[key] = {"timesteps": ts, "sigmas": [float(s) for s in sig]}
for karras in (False, True):
    ts, sig = schedule({**COSINE, "use_karras_sigmas": karras}, 6)
    vectors[f"schedule cosine lambda_min_clipped=-5.1 n=6 karras={str(karras).lower()}"] = {
        "timesteps": ts, "sigmas": [float(s) for s in sig]}

CASES = {
    "2M epsilon linspace n=4": ({**SD}, 4, None),
    "2M epsilon karras n=20": ({**SD, "use_karras_sigmas": True}, 20, None),
    "2M v_prediction trailing n=6": ({**SD, "prediction_type": "v_prediction", "timestep_spacing": "trailing"}, 6, None),
    "2M sample leading n=5": ({**SD, "prediction_type": "sample", "timestep_spacing": "leading", "steps_offset": 1}, 5, None),
    "2M heun n=8": ({**SD, "solver_type": "heun"}, 8, None),
    "2M final sigma_min n=10": ({**SD, "final_sigmas_type": "sigma_min"}, 10, None),
    "2M final sigma_min lower_order_final=false n=6": (
        {**SD, "final_sigmas_type": "sigma_min", "lower_order_final": False}, 6, None),
    "2M karras final sigma_min n=16": ({**SD, "use_karras_sigmas": True, "final_sigmas_type": "sigma_min"}, 16, None),
    "2M euler_at_final final sigma_min n=16": ({**SD, "euler_at_final": True, "final_sigmas_type": "sigma_min"}, 16, None),
    "1S n=5": ({**SD, "solver_order": 1}, 5, None),
    "3M n=8": ({**SD, "solver_order": 3}, 8, None),
    "3M karras n=20": ({**SD, "solver_order": 3, "use_karras_sigmas": True}, 20, None),
    "2M cosine lambda_min_clipped=-5.1 n=6": ({**COSINE}, 6, None),
    "2M img2img n=10 from step 4": ({**SD, "use_karras_sigmas": True}, 10, 4),
    "sde 2M karras n=10": ({**SD, "algorithm_type": "sde-dpmsolver++", "use_karras_sigmas": True}, 10, None),
    "sde 2M heun v_prediction n=6": (
        {**SD, "algorithm_type": "sde-dpmsolver++", "solver_type": "heun", "prediction_type": "v_prediction"}, 6, None),
    "sde 1S n=4": ({**SD, "algorithm_type": "sde-dpmsolver++", "solver_order": 1}, 4, None),
}
for name, (cfg, n, begin) in CASES.items():
    vectors[f"trajectory {name}"] = {"config": cfg, "steps": n, **({"begin": begin} if begin is not None else {}),
                                     **trajectory(cfg, n, begin)}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dpm-solver-vectors.json")
with open(path, "w") as f:
    json.dump(vectors, f, indent=1)
    f.write("\n")
print(f"wrote {len(vectors)} vectors to {path}")
