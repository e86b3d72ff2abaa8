/**
 * @module Sessions with LoRAs merged in, cached per (model, LoRAs, weights, LoRA files' identities): the first
 * request with a combination merges and loads (cost ≈ one model load), a repeat reuses the sessions. The two most
 * recent combinations are kept; the base sessions are always kept. A LoRA refused as it is read is logged with the
 * reason the caller is not told (e.g. that the folder exists but holds no LoRA).
 */
import { rmSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { BadRequestError } from "../../errors.js";
import {
  type LoraFile,
  type LoraRequest,
  type LoraTarget,
  loraIdentity,
  type MergeControl,
  mergeLorasIntoModel,
  readLora,
} from "../../lora/index.js";
import type { WorkerLoadContext } from "../contract.js";
import type { SdModelIndex } from "./model-index.js";

/** The LoRA-dependent sessions of a model: the UNet and the text encoders. */
export interface AdaptedSessions {
  unet: ort.InferenceSession;
  textEncoders: ort.InferenceSession[];
  /** Folders of merged models written to disk (models with external weights), removed on release. */
  tempDirs?: string[];
}

/** How many merged combinations stay loaded. */
const KEEP = 2;

/** A cache of merged sessions for one model. */
export class LoraSessionCache {
  readonly #entries = new Map<string, AdaptedSessions>();
  readonly #pending = new Map<string, Promise<AdaptedSessions>>();

  /**
   * @param base the model's own sessions
   * @param options how to create sessions from merged bytes (the provider the base sessions run on)
   * @param reading the largest LoRA file read (`MAX_LORA_BYTES`), and where refusals are logged
   */
  constructor(
    readonly index: SdModelIndex,
    readonly modelDir: string,
    readonly base: AdaptedSessions,
    readonly options: ort.InferenceSession.SessionOptions,
    readonly reading: { maxLoraBytes?: number; log?: WorkerLoadContext["log"] } = {},
  ) {}

  /** Number of merged combinations loaded now. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The sessions for `loras` (sorted by id, as `parseLoras` returns them). A merge asks `control` between LoRAs,
   * layers and rows (see `mergeLorasIntoModel`): a job cancelled while its LoRAs merge stops there, its sessions and
   * temporary folders are released, and nothing is cached, so the next request with the same LoRAs merges afresh (a
   * merge that finished is kept: it is whole).
   *
   * @throws {BadRequestError} for an unknown LoRA, one for another base, or one that does not fit the model.
   * @throws {JobAbortedError} once `control`'s job is cancelled.
   * @example
   * const { unet, textEncoders } = await cache.get([{ id: "org/style", weight: 0.8 }], control);
   */
  async get(loras: readonly LoraRequest[], control?: MergeControl): Promise<AdaptedSessions> {
    if (loras.length === 0) return this.base;
    // The files' identities, stat'ed for every request: a LoRA deleted since is "not installed", a replaced one is
    // merged anew.
    const key = JSON.stringify(
      loras.map((l) => [l.id, l.weight, this.#logged(l, () => loraIdentity(this.modelDir, l.id))]),
    );
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const pending = this.#pending.get(key) ?? this.#load(key, loras, control);
    this.#pending.set(key, pending);
    try {
      return await pending;
    } finally {
      this.#pending.delete(key);
    }
  }

  async #load(key: string, loras: readonly LoraRequest[], control?: MergeControl): Promise<AdaptedSessions> {
    const files = loras.map((request) => {
      control?.throwIfAborted();
      return { lora: this.#read(request), weight: request.weight };
    });
    for (const { lora } of files) checkFamily(lora, this.index);
    const textFiles = [this.index.files.textEncoder, this.index.files.textEncoder2].filter(
      (f): f is string => f !== undefined,
    );
    const targets: LoraTarget[] = ["text_encoder", "text_encoder_2"];
    const created: ort.InferenceSession[] = [];
    const dirs: string[] = [];
    const open = async (file: string, target: LoraTarget, fallback: ort.InferenceSession) => {
      const merged = mergeLorasIntoModel(file, target, files, control);
      if (!merged) return fallback;
      if (merged.kind === "file") dirs.push(merged.dir);
      const session =
        merged.kind === "bytes"
          ? await ort.InferenceSession.create(merged.bytes, this.options)
          : await ort.InferenceSession.create(merged.path, this.options);
      created.push(session);
      return session;
    };
    try {
      const entry: AdaptedSessions = {
        tempDirs: dirs,
        unet: await open(this.index.files.unet, "unet", this.base.unet),
        textEncoders: await Promise.all(
          textFiles.map((f, i) => open(f, targets[i] as LoraTarget, this.base.textEncoders[i] as ort.InferenceSession)),
        ),
      };
      this.#entries.set(key, entry);
      while (this.#entries.size > KEEP) {
        const [oldest, sessions] = this.#entries.entries().next().value as [string, AdaptedSessions];
        this.#entries.delete(oldest);
        await this.#release(sessions);
      }
      return entry;
    } catch (err) {
      await Promise.all(created.map((s) => s.release()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      throw err;
    }
  }

  #read(request: LoraRequest): LoraFile {
    return this.#logged(request, () => readLora(this.modelDir, request, { maxBytes: this.reading.maxLoraBytes }));
  }

  /** `fn`'s result; a refusal it throws is logged with the reason the caller is not told. */
  #logged<T>(request: LoraRequest, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const { message, cause } = err as Error;
      this.reading.log?.("info", "LoRA refused", {
        lora_id: request.id,
        error: message,
        ...(cause instanceof Error ? { reason: cause.message } : {}),
      });
      throw err;
    }
  }

  async #release(sessions: AdaptedSessions): Promise<void> {
    const own = [sessions.unet, ...sessions.textEncoders].filter(
      (s) => s !== this.base.unet && !this.base.textEncoders.includes(s),
    );
    await Promise.all(own.map((s) => s.release()));
    for (const d of sessions.tempDirs ?? []) rmSync(d, { recursive: true, force: true });
  }

  /** Releases every merged session (not the base ones). */
  async clear(): Promise<void> {
    for (const sessions of this.#entries.values()) await this.#release(sessions);
    this.#entries.clear();
  }
}

function checkFamily(lora: LoraFile, index: SdModelIndex): void {
  if (lora.family && lora.family !== index.family) {
    throw new BadRequestError(
      `LoRA ${JSON.stringify(lora.id)} is for ${familyName(lora.family)} models; this model is ${familyName(index.family)}`,
    );
  }
}

function familyName(f: string): string {
  return { sd1: "Stable Diffusion 1.x", sd2: "Stable Diffusion 2.x", sdxl: "SDXL" }[f] ?? f;
}
