/**
 * @module Reading one LoRA from `MODEL_DIR/<lora id>/`: its safetensors file (at most `maxBytes`, checked before a
 * byte is read), the key style (kohya `lora_unet_…`, diffusers/PEFT `…lora_A/lora_B`), the rank and alpha of every
 * adapted layer, and the base model family it declares. Whatever the folder is when it is not a LoRA (missing, a
 * model's folder, several weight files), the caller gets one message, so LoRA ids cannot map the models volume; the
 * reason travels as the error's `cause`, for the operator's log.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { join, resolve, sep } from "node:path";
import { BadRequestError } from "../errors.js";
import { allFinite } from "../internal/finite.js";
import { kindOf } from "../models/special-files.js";
import type { LoraRequest } from "./parse-loras.js";
import { readSafetensors, type SafeTensor } from "./safetensors.js";

/**
 * Largest LoRA file read by default (`MAX_LORA_BYTES`): 1 GiB. SD 1.5 LoRAs weigh 10–300 MB and SDXL ones up to
 * ~900 MB; the file is read whole (and its F16 values widened to float32) for every new combination of LoRAs.
 */
export const DEFAULT_MAX_LORA_BYTES = 1024 ** 3;

/** Stable Diffusion families a LoRA can be made for. */
export type SdFamily = "sd1" | "sd2" | "sdxl";

/** The component a LoRA layer adapts. */
export type LoraTarget = "unet" | "text_encoder" | "text_encoder_2";

/** One adapted layer: ΔW = (α/r)·up·down. */
export interface LoraLayer {
  target: LoraTarget;
  /** The module path: dotted (`down_blocks.0.attentions.0…to_q`) or, for kohya files, with `_` for every `.`. */
  path: string;
  kohya: boolean;
  /** [out, r, …] */
  up: SafeTensor;
  /** [r, in, …] */
  down: SafeTensor;
  alpha: number;
  rank: number;
}

/** A LoRA read from disk. */
export interface LoraFile {
  id: string;
  file: string;
  family: SdFamily | undefined;
  layers: LoraLayer[];
}

const KOHYA = /^lora_(unet|te|te1|te2)_(.+)\.(lora_down|lora_up|alpha)(?:\.weight)?$/;
const PEFT =
  /^(?:(unet|text_encoder|text_encoder_2)\.)?(?:base_model\.model\.)?(.+?)\.(lora_A|lora_B|lora\.down|lora\.up|alpha)(?:\.default)?(?:\.weight)?$/;
const KOHYA_TARGET: Record<string, LoraTarget> = {
  unet: "unet",
  te: "text_encoder",
  te1: "text_encoder",
  te2: "text_encoder_2",
};

/** The family a LoRA declares in its safetensors metadata (kohya's `ss_base_model_version`, or `modelspec.architecture`). */
function declaredFamily(metadata: Record<string, string>): SdFamily | undefined {
  const text = `${metadata.ss_base_model_version ?? ""} ${metadata["modelspec.architecture"] ?? ""}`.toLowerCase();
  if (/sdxl|stable-diffusion-xl/.test(text)) return "sdxl";
  if (/sd_v2|stable-diffusion-v2/.test(text)) return "sd2";
  if (/sd_v1|stable-diffusion-v1/.test(text)) return "sd1";
  return undefined;
}

/**
 * Why a folder holds no LoRA: the `cause` of the one "not installed" message callers get, for the operator's eyes.
 * @example if (err.cause instanceof NotALoraError) log.info("LoRA refused", { reason: err.cause.message });
 */
export class NotALoraError extends Error {
  override name = "NotALoraError";
}

function badLora(id: string, msg: string, cause?: unknown): BadRequestError {
  return new BadRequestError(`LoRA ${JSON.stringify(id)}: ${msg}`, { cause });
}

/** The one answer for an id that names no LoRA, whatever is (or is not) at its path; `cause` says which, for the log. */
function notInstalled(id: string, cause: NotALoraError): BadRequestError {
  return badLora(
    id,
    'not installed: a LoRA id is "name" or "org/name", the folder MODEL_DIR/<id>/ holding ' +
      "pytorch_lora_weights.safetensors, adapter_model.safetensors or a single .safetensors file, as " +
      "`avs-runner models fetch <org/name>` installs it",
    cause,
  );
}

/** The LoRA file of folder `dir`, chosen as `models fetch` lays LoRAs out; throws {@link NotALoraError} saying why not. */
function loraFileIn(dir: string): string {
  try {
    return pickLoraFile(dir);
  } catch (cause) {
    if (cause instanceof NotALoraError) throw cause;
    throw new NotALoraError((cause as Error).message, { cause });
  }
}

function pickLoraFile(dir: string): string {
  if (!statSync(dir).isDirectory()) throw new NotALoraError(`${dir} is not a folder`);
  const candidates = readdirSync(dir).filter((f) => f.endsWith(".safetensors"));
  const preferred = ["pytorch_lora_weights.safetensors", "adapter_model.safetensors"].find((f) =>
    candidates.includes(f),
  );
  const name = preferred ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (name === undefined) {
    throw new NotALoraError(
      candidates.length
        ? `${dir} holds ${candidates.length} .safetensors files and none is pytorch_lora_weights.safetensors or adapter_model.safetensors`
        : `${dir} holds no .safetensors file`,
    );
  }
  const file = join(dir, name);
  const st = statSync(file);
  if (!st.isFile()) throw new NotALoraError(`${file} is ${kindOf(st)}, not a regular file`);
  return file;
}

/** The whole file, refused before any byte is read when it is larger than `maxBytes`. */
function readBounded(id: string, file: string, name: string, maxBytes: number): Uint8Array {
  let fd: number;
  try {
    // Non-blocking: a FIFO put in the file's place since it was found a regular file must not block the open.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw badLora(id, `cannot open ${name} (${(cause as NodeJS.ErrnoException).code ?? "error"})`, cause);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw badLora(id, `${name} is ${kindOf(st)}, not a regular file`);
    const { size } = st;
    if (size > maxBytes) {
      throw badLora(
        id,
        `${name} is ${size} bytes (${human(size)}); this runner reads LoRA files of at most ${maxBytes} bytes (${human(maxBytes)}, MAX_LORA_BYTES)`,
      );
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, Math.min(size - at, 1 << 30), at);
      if (n === 0) throw badLora(id, `${name} was shortened while it was read`);
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** `1.5 GiB`, `300 MiB`, `4 KiB`: the size an operator reads, beside the exact bytes. */
function human(bytes: number): string {
  const [unit, size] =
    bytes >= 1024 ** 3 ? ["GiB", 1024 ** 3] : bytes >= 1024 ** 2 ? ["MiB", 1024 ** 2] : ["KiB", 1024];
  return `${Number((bytes / size).toFixed(1))} ${unit}`;
}

/** The folder and file of LoRA `id`, or the one "not installed" answer. */
function locateLora(modelDir: string, id: string): { dir: string; file: string } {
  const root = resolve(modelDir);
  const dir = resolve(root, id);
  if (!dir.startsWith(root + sep)) throw badLora(id, "the id must name a folder inside the models directory");
  let file: string;
  try {
    file = loraFileIn(dir);
  } catch (cause) {
    throw notInstalled(id, cause as NotALoraError);
  }
  checkInside(id, root, file);
  return { dir, file };
}

/**
 * Refuses a LoRA file whose real path (after every symlink, of its folder too) is outside the real models folder.
 * Symlinks inside the volume are fine, as for model folders; but a LoRA id comes from a request, not from the
 * operator as `MODEL_ID` does, so a symlink out of the volume must not let requests read files elsewhere.
 */
function checkInside(id: string, root: string, path: string): void {
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(path);
    realRoot = realpathSync(root);
  } catch (cause) {
    throw notInstalled(id, new NotALoraError((cause as Error).message, { cause }));
  }
  if (real.startsWith(realRoot + sep)) return;
  const name = path.slice(resolve(root, id).length + 1);
  throw badLora(
    id,
    `${name} lies outside the models directory (a symlink leads out of it); a LoRA's folder and files must be ` +
      "inside MODEL_DIR (symlinks within it are fine)",
    new NotALoraError(`${path} is ${real}, outside ${realRoot}`),
  );
}

/**
 * Which file LoRA `id` is now, as `path dev:ino:size:mtimeMs` (one stat): a LoRA replaced or re-fetched gets another
 * identity, so merged sessions cached under the old one are not served for it.
 *
 * @throws {BadRequestError} like {@link readLora} when the id names no LoRA (deleted since, too).
 * @example
 * loraIdentity("/models", "org/style"); // "/models/org/style/pytorch_lora_weights.safetensors 2049:1234:81920:1.7e12"
 */
export function loraIdentity(modelDir: string, id: string): string {
  const { file } = locateLora(modelDir, id);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch (cause) {
    throw notInstalled(id, new NotALoraError((cause as Error).message, { cause }));
  }
  return `${file} ${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
}

/**
 * Finds, reads and groups the LoRA `request.id` under `modelDir`.
 *
 * @param options.maxBytes largest file read (default {@link DEFAULT_MAX_LORA_BYTES}), checked before reading.
 * @throws {BadRequestError} when the id names no LoRA (one message, the reason in its `cause`), the file is larger
 *   than `maxBytes`, unreadable, or holds no LoRA layers.
 * @example
 * const lora = readLora("/models", { id: "org/lcm-lora", weight: 1 });
 * lora.layers.length; // layers it adapts
 */
export function readLora(modelDir: string, request: LoraRequest, options: { maxBytes?: number } = {}): LoraFile {
  const { id } = request;
  const { dir, file } = locateLora(modelDir, id);
  const name = file.slice(dir.length + 1);
  const bytes = readBounded(id, file, name, options.maxBytes ?? DEFAULT_MAX_LORA_BYTES);
  let parsed: ReturnType<typeof readSafetensors>;
  try {
    parsed = readSafetensors(bytes);
  } catch (cause) {
    throw badLora(id, `cannot read ${name}: ${(cause as Error).message}`, cause);
  }
  const peftConfig = readPeftConfig(id, modelDir, join(dir, "adapter_config.json"));
  const groups = new Map<
    string,
    { target: LoraTarget; path: string; kohya: boolean; up?: SafeTensor; down?: SafeTensor; alpha?: number }
  >();
  for (const [key, tensor] of parsed.tensors) {
    const k = KOHYA.exec(key);
    const p = k ? undefined : PEFT.exec(key);
    if (!k && !p) continue;
    const target = k ? (KOHYA_TARGET[k[1] as string] as LoraTarget) : ((p?.[1] as LoraTarget | undefined) ?? "unet");
    const path = (k ? k[2] : p?.[2]) as string;
    const part = (k ? k[3] : p?.[3]) as string;
    const g = groups.get(`${target}:${path}`) ?? { target, path, kohya: Boolean(k) };
    groups.set(`${target}:${path}`, g);
    if (part === "alpha") g.alpha = tensor.data[0] as number;
    else if (part === "lora_down" || part === "lora_A" || part === "lora.down") g.down = tensor;
    else g.up = tensor;
  }
  const layers: LoraLayer[] = [];
  for (const g of groups.values()) {
    if (!g.up || !g.down)
      throw badLora(
        id,
        `layer ${g.path} has ${g.up ? "an up" : "a down"} matrix without its ${g.up ? "down" : "up"} matrix`,
      );
    // A NaN or an infinity merged into a weight turns every image black, which the safety checker does not flag.
    const broken =
      [g.up, g.down].some((t) => !allFinite(t.data)) || (g.alpha !== undefined && !Number.isFinite(g.alpha));
    if (broken) throw badLora(id, `layer ${g.path} holds NaN or infinite values; the file is damaged`);
    const rank = checkLayerShapes(id, g.path, g.up.shape, g.down.shape);
    layers.push({
      target: g.target,
      path: g.path,
      kohya: g.kohya,
      up: g.up,
      down: g.down,
      rank,
      alpha: g.alpha ?? peftConfig.alpha ?? rank,
    });
  }
  if (layers.length === 0)
    throw badLora(
      id,
      `${name} holds no LoRA layers (expected kohya lora_unet_… or diffusers/PEFT …lora_A/lora_B keys)`,
    );
  return { id, file, family: declaredFamily(parsed.metadata), layers };
}

/** `[4×2×3]`: a shape as the messages write it. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join("×")}]`;
}

/**
 * The rank of a layer whose up is [out, r] (or [out, r, 1, 1]) and down [r, in] (or [r, in, kh, kw]), every
 * dimension ≥ 1; anything else is refused here, from the header's shapes alone, before a value is multiplied.
 */
function checkLayerShapes(id: string, path: string, up: readonly number[], down: readonly number[]): number {
  const both = `up ${shapeText(up)} and down ${shapeText(down)}`;
  const upOk = up.length === 2 || (up.length === 4 && up[2] === 1 && up[3] === 1);
  if (!upOk || (down.length !== 2 && down.length !== 4)) {
    throw badLora(
      id,
      `layer ${path}: ${both} are not LoRA matrices (up is [out×r] or [out×r×1×1], down [r×in] or [r×in×kh×kw])`,
    );
  }
  if ([...up, ...down].some((d) => d < 1)) throw badLora(id, `layer ${path}: ${both} have an empty dimension`);
  if (up[1] !== down[0]) throw badLora(id, `layer ${path}: ${both} disagree on the rank`);
  return down[0] as number;
}

function readPeftConfig(id: string, modelDir: string, path: string): { alpha?: number } {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return {};
  checkInside(id, resolve(modelDir), path);
  // Never opened unless regular: reading a FIFO blocks the worker for ever.
  if (!st.isFile()) throw badLora(id, `adapter_config.json is ${kindOf(st)}, not a regular file`);
  let c: { lora_alpha?: unknown };
  try {
    c = JSON.parse(readFileSync(path, "utf8")) as { lora_alpha?: unknown };
  } catch (cause) {
    throw badLora(id, `adapter_config.json is not valid JSON`, cause);
  }
  if (typeof c.lora_alpha !== "number") return {};
  // JSON's 1e400 reads as Infinity: every layer's scale would be infinite, and the image black.
  if (!Number.isFinite(c.lora_alpha)) throw badLora(id, `adapter_config.json's lora_alpha is not a finite number`);
  return { alpha: c.lora_alpha };
}
