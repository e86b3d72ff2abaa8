/**
 * @module Creating ONNX Runtime sessions with the configured execution provider, falling back to CPU with a clear
 * log line when the provider's libraries are absent (onnxruntime-node throws "Failed to load shared library").
 */
import * as ort from "onnxruntime-node";
import type { ExecutionProvider } from "../config.js";

/** How sessions are created in this runner. */
export interface SessionSettings {
  executionProvider: ExecutionProvider;
  intraOpThreads: number;
  log: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * Creates a session on the requested provider, or on the CPU when that provider cannot start.
 * @example const { session, provider } = await createSession("/models/x/model.onnx", settings)
 */
export async function createSession(
  modelPath: string,
  settings: SessionSettings,
): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider }> {
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: "all",
    ...(settings.intraOpThreads > 0 ? { intraOpNumThreads: settings.intraOpThreads } : {}),
  };
  if (settings.executionProvider !== "cpu") {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
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
  const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: ["cpu"] });
  return { session, provider: "cpu" };
}
