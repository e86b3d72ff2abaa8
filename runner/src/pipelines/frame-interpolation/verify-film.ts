/**
 * @module `avs-runner models verify <id>` for FILM models: recognises the export's signature (or says what to set in
 * `avs-model.json`), and runs one interpolation between two copies of a probe frame whose sides need padding. A
 * FILM model returns (nearly) the same frame for an identical pair at any t, so a large difference means the runner
 * feeds it wrongly: a wrong value range or layout.
 */
import type { VerifyReport } from "../../models/verify.js";
import { loadFilmModel } from "./film-model.js";
import { describeFilm, type FilmSignature } from "./film-signature.js";

/** What verification of a FILM model found. */
export interface FilmVerifyReport extends VerifyReport {
  film: FilmSignature;
  /** The signature in one line. */
  signature: string;
  pixels_in_graph: boolean;
  /** Mean absolute difference (8-bit levels) between a probe frame and the model's frame for an identical pair. */
  identity_error: number;
}

/** Largest mean difference accepted for an identical pair (FILM's own output differs by a fraction of a level). */
const MAX_IDENTITY_ERROR = 3;

/**
 * Loads the FILM model in `dir` and probes it.
 * @throws {Error} with the reason the model cannot be used.
 * @example await verifyFilmModel("/models/tiny/film", "tiny/film", { pipeline: "frame-interpolation", tiny: true })
 */
export async function verifyFilmModel(
  dir: string,
  modelId: string,
  manifest: { pipeline: string; tiny: boolean },
): Promise<FilmVerifyReport> {
  const film = await loadFilmModel(dir, { executionProvider: "cpu", intraOpThreads: 0, log: () => {} });
  try {
    const sig = film.signature;
    const width = sig.fixedSize ? Math.max(1, sig.fixedSize.width - 3) : sig.align + 8;
    const height = sig.fixedSize ? Math.max(1, sig.fixedSize.height - 5) : Math.ceil(sig.align / 2) + 4;
    const pixels = new Uint8Array(width * height * 3);
    for (let i = 0; i < pixels.length; i += 3) {
      const [x, y] = [(i / 3) % width, Math.floor(i / 3 / width)];
      pixels.set([(x * 255) / width, (y * 255) / height, ((x + y) * 127) / (width + height)], i);
    }
    const probe = { width, height, pixels };
    const out = await film.interpolate(probe, probe, 0.5);
    let sum = 0;
    for (let i = 0; i < pixels.length; i++) sum += Math.abs((out.pixels[i] as number) - (pixels[i] as number));
    const error = Math.round((sum / pixels.length) * 100) / 100;
    if (error > MAX_IDENTITY_ERROR) {
      throw new Error(
        `${modelId}: two identical ${width}×${height} frames interpolated at t = 0.5 came back ${error} levels away on ` +
          `average (at most ${MAX_IDENTITY_ERROR} expected); check value_range (now ${sig.range.lo}..${sig.range.hi}) ` +
          `and layout (now ${sig.layout}) in avs-model.json`,
      );
    }
    return {
      model_id: modelId,
      pipeline: manifest.pipeline,
      tiny: manifest.tiny,
      inputs: [sig.frame0, sig.frame1, sig.time],
      outputs: [sig.output],
      film: sig,
      signature: describeFilm(sig),
      pixels_in_graph: film.pixelsInGraph,
      identity_error: error,
    };
  } finally {
    await film.release();
  }
}
