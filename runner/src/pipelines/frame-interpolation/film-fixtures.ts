/**
 * @module Fixtures for the FILM tests and the benchmark: tiny models written to temporary model folders, and test
 * frames whose values are multiples of 24, so a blend at t = m / 24 (or a dyadic t down to 1/8) is a whole number
 * and the tiny models' output can be predicted exactly.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RgbImage } from "../../image/decode.js";
import { type TinyFilmOptions, tinyFilmModel } from "../../models/factory/film-tiny.js";
import type { SessionSettings } from "../../onnx/session.js";
import { type FilmModel, loadFilmModel } from "./film-model.js";
import type { FilmManifest } from "./film-signature.js";

/** CPU sessions, one thread each (the machine is shared), no logging. */
export const FILM_TEST_SETTINGS: SessionSettings = { executionProvider: "cpu", intraOpThreads: 1, log: () => {} };

/**
 * A temporary model folder holding a tiny FILM model (and a manifest when given); `cleanup` removes it.
 * @example const m = await tinyFilmDir({ ...TINY_FILM_TORCH }); await loadFilmModel(m.dir, FILM_TEST_SETTINGS)
 */
export async function tinyFilmDir(
  options: TinyFilmOptions,
  manifest?: FilmManifest,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "avs-film-"));
  await writeFile(join(dir, "model.onnx"), tinyFilmModel(options));
  if (manifest) {
    const full = { model_id: "test/film", pipeline: "frame-interpolation", tiny: true, source: "test", ...manifest };
    await writeFile(join(dir, "avs-model.json"), JSON.stringify(full));
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Test frame `index`: every value a multiple of 24 (0..240), different per pixel, channel and frame.
 * @example const a = testFrame(70, 45, 0), b = testFrame(70, 45, 1)
 */
export function testFrame(width: number, height: number, index: number): RgbImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = 24 * ((index + x) % 11);
      pixels[at + 1] = 24 * ((2 * index + y) % 11);
      pixels[at + 2] = 24 * ((3 * index + x + 2 * y) % 11);
    }
  }
  return { width, height, pixels };
}

/**
 * What the tiny models compute, in whole numbers: `a + t · (b − a)` per value (exact for the test frames when
 * t · 24 or t · 8 is whole).
 * @example expect(out.pixels).toEqual(blend(a, b, 0.25).pixels)
 */
export function blend(a: RgbImage, b: RgbImage, t: number): RgbImage {
  return { ...a, pixels: a.pixels.map((v, i) => Math.round(v + t * ((b.pixels[i] as number) - v))) };
}

/**
 * A tiny FILM model loaded from its own temporary folder; `close` releases the session and removes the folder.
 * @example const tiny = await openTinyFilm(TINY_FILM_TF); await tiny.film.interpolate(a, b, 0.5); await tiny.close()
 */
export async function openTinyFilm(
  options: TinyFilmOptions,
  manifest?: FilmManifest,
): Promise<{ film: FilmModel; close: () => Promise<void> }> {
  const m = await tinyFilmDir(options, manifest);
  try {
    const film = await loadFilmModel(m.dir, FILM_TEST_SETTINGS);
    return { film, close: () => film.release().finally(m.cleanup) };
  } catch (err) {
    await m.cleanup();
    throw err;
  }
}
