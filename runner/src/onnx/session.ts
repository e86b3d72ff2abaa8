/**
 * @module Creating ONNX Runtime sessions with the configured execution provider, falling back to CPU with a clear
 * log line when the provider's libraries are absent (onnxruntime-node throws "Failed to load shared library").
 */
import * as ort from "onnxruntime-node";
import type { ExecutionProvider } from "../config.js";
import { checkRegularFile } from "../models/special-files.js";

/** How sessions are created in this runner. */
export interface SessionSettings {
  executionProvider: ExecutionProvider;
  intraOpThreads: number;
  /** Busy-wait in ONNX Runtime's thread pools (its default); off unless asked, see `SPIN_WAIT`. */
  spinWait?: boolean;
  /** Memory strategy of the CPU allocator (ONNX Runtime's defaults when absent), see {@link SessionMemory}. */
  memory?: SessionMemory;
  log: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * How a session takes CPU memory. ONNX Runtime's defaults (both on) keep every buffer a run allocated in an arena
 * that only grows, and plan a run's memory ahead from the shapes of the first run; for a pipeline whose sessions see
 * one large request after small ones (image-to-video), that holds the largest request's intermediates per session
 * for the life of the model.
 */
export interface SessionMemory {
  /** `enableCpuMemArena`: pool CPU allocations in a growing arena. */
  cpuArena: boolean;
  /** `enableMemPattern`: pre-plan one block per run from the shapes seen. */
  memPattern: boolean;
}

/**
 * The session options of this runner's settings. Spinning is off by default: ONNX Runtime's pool threads otherwise
 * busy-wait after each operator, which on a small CPU machine takes the cores the HTTP thread, the PNG encoder and
 * neighbouring processes need (measured: 10 → 6 ms of CPU per tiny upscale, and lower latency under load).
 * @example await ort.InferenceSession.create(path, { ...sessionOptions(settings), executionProviders: ["cpu"] })
 */
export function sessionOptions(
  settings: Pick<SessionSettings, "intraOpThreads" | "spinWait" | "memory">,
): ort.InferenceSession.SessionOptions {
  const spin = settings.spinWait ? "1" : "0";
  const memory = settings.memory;
  return {
    graphOptimizationLevel: "all",
    ...(memory ? { enableCpuMemArena: memory.cpuArena, enableMemPattern: memory.memPattern } : {}),
    ...(settings.intraOpThreads > 0 ? { intraOpNumThreads: settings.intraOpThreads } : {}),
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
}

/** Opens a model given as a file path or as its bytes (after graph surgery). */
function open(model: string | Uint8Array, options: ort.InferenceSession.SessionOptions) {
  if (typeof model === "string") checkRegularFile(model);
  return typeof model === "string"
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

/**
 * Creates a session on the requested provider, or on the CPU when that provider cannot start. `model` is a file
 * path or the model's bytes.
 * @example const { session, provider } = await createSession("/models/x/model.onnx", settings)
 */
export async function createSession(
  model: string | Uint8Array,
  settings: SessionSettings,
): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider }> {
  const base = sessionOptions(settings);
  if (settings.executionProvider !== "cpu") {
    try {
      const session = await open(model, {
        ...base,
        executionProviders: [settings.executionProvider, "cpu"],
      });
      return { session, provider: settings.executionProvider };
    } catch (err) {
      settings.log("warn", `execution provider ${settings.executionProvider} is unavailable; falling back to cpu`, {
        requested: settings.executionProvider,
        reason: (err as Error).message.split("\n")[0],
      });
    }
  }
  const session = await open(model, { ...base, executionProviders: ["cpu"] });
  return { session, provider: "cpu" };
}
