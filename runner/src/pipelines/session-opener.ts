/**
 * @module Opening the several ONNX sessions of one model on the runner's execution provider: once a session has
 * fallen back to the CPU (the provider's libraries are absent), the model's other sessions go straight to the CPU
 * instead of failing over one by one, and every session opened is released together — also when a later one fails.
 */
import type * as ort from "onnxruntime-node";
import type { ExecutionProvider } from "../config.js";
import { createSession, type SessionSettings } from "../onnx/session.js";

/** The sessions of one model, opened one after the other. */
export interface SessionOpener {
  /** The provider the sessions run on (the requested one until a fallback). */
  readonly provider: ExecutionProvider;
  /** Opens a model file or model bytes on the provider, or on `on` (e.g. `cpu` for small pixel graphs). */
  open(model: string | Uint8Array, on?: ExecutionProvider): Promise<ort.InferenceSession>;
  /** Releases every session opened so far. */
  releaseAll(): Promise<void>;
}

/**
 * A session opener for `settings`.
 *
 * @example
 * const sessions = sessionOpener(ctx);
 * try { const unet = await sessions.open("/models/m/unet/model.onnx"); … } catch (e) { await sessions.releaseAll(); throw e; }
 */
export function sessionOpener(settings: SessionSettings): SessionOpener {
  const sessions: ort.InferenceSession[] = [];
  let provider = settings.executionProvider;
  return {
    get provider() {
      return provider;
    },
    async open(model, on = provider) {
      const created = await createSession(model, { ...settings, executionProvider: on });
      if (on === provider) provider = created.provider;
      sessions.push(created.session);
      return created.session;
    },
    async releaseAll() {
      await Promise.all(sessions.splice(0).map((s) => s.release()));
    },
  };
}
