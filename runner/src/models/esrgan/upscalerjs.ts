/**
 * @module The real ESRGAN weights that the npm packages `@upscalerjs/esrgan-slim`, `-medium` and `-thick` (MIT)
 * ship, as installable models `upscalerjs/esrgan-<size>-x<scale>` converted to ONNX on install (no network).
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CatalogEntry } from "../catalog-entry.js";
import { convertEsrganLayers } from "./convert.js";
import { readLayersModel } from "./tfjs-layers.js";

export type UpscalerjsSize = "slim" | "medium" | "thick";
export const UPSCALERJS_SIZES: UpscalerjsSize[] = ["slim", "medium", "thick"];
export const UPSCALERJS_SCALES = [2, 3, 4, 8] as const;

/** RDN models (slim, medium) take and give 0..255 pixels; the RRDN model (thick) 0..1 (their model definitions). */
const PIXEL_RANGE: Record<UpscalerjsSize, 1 | 255> = { slim: 255, medium: 255, thick: 1 };

const require = createRequire(import.meta.url);

/**
 * The installed directory of an npm package (found from its entry point, since its exports hide package.json).
 * @example packageRoot("@upscalerjs/esrgan-slim") // ".../node_modules/@upscalerjs/esrgan-slim"
 */
export function packageRoot(name: string): string {
  let dir = dirname(require.resolve(name));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the package directory of ${name}`);
}

/**
 * The `model.json` of one UpscalerJS ESRGAN model.
 * @example upscalerjsModelJson("slim", 4) // ".../@upscalerjs/esrgan-slim/models/x4/model.json"
 */
export function upscalerjsModelJson(size: UpscalerjsSize, scale: number): string {
  return join(packageRoot(`@upscalerjs/esrgan-${size}`), "models", `x${scale}`, "model.json");
}

/**
 * Converts one UpscalerJS model and writes `model.onnx` into `dir`.
 * @example await installUpscalerjs("slim", 4, "/models/upscalerjs/esrgan-slim-x4")
 */
export async function installUpscalerjs(size: UpscalerjsSize, scale: number, dir: string) {
  const pkg = `@upscalerjs/esrgan-${size}`;
  const version = JSON.parse(readFileSync(join(packageRoot(pkg), "package.json"), "utf8")).version as string;
  const model = await readLayersModel(upscalerjsModelJson(size, scale));
  const { onnx, receptiveRadius } = convertEsrganLayers(model, {
    pixelRange: PIXEL_RANGE[size],
    name: `esrgan-${size}-x${scale}`,
    metadata: { source: `${pkg}@${version} models/x${scale}`, license: "MIT" },
  });
  await writeFile(join(dir, "model.onnx"), onnx);
  return {
    source: `${pkg}@${version} (TF.js layers, converted to ONNX)`,
    extra: { scale, receptive_radius: receptiveRadius, license: "MIT" },
  };
}

/** `upscalerjs/esrgan-<size>-x<scale>`: every size at every scale. */
export const UPSCALERJS_ENTRIES: CatalogEntry[] = UPSCALERJS_SIZES.flatMap((size) =>
  UPSCALERJS_SCALES.map(
    (scale): CatalogEntry => ({
      id: `upscalerjs/esrgan-${size}-x${scale}`,
      pipeline: "upscale",
      tiny: false,
      description: `ESRGAN ${size} ×${scale}, real weights from @upscalerjs/esrgan-${size} (MIT), converted to ONNX`,
      install: (dir) => installUpscalerjs(size, scale, dir),
    }),
  ),
);
