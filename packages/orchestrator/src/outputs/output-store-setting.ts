/**
 * @module The orchestrator's output store as its settings make it (`output-dir`, `output-retention`,
 * `output-memory-bytes`).
 */
import { resolve } from "node:path";
import type { Logger } from "@ai-video-subnet/server-kit";
import { ConfigError } from "../config/ai-models.js";
import type { OrchestratorOptions } from "../orchestrator.js";
import { OutputStore } from "./output-store.js";

/**
 * The output store, in the operator's `output-dir` when given: one that cannot be made or is not a directory (a file,
 * a read-only place) is a start-up error naming the setting (exit 2), not a failed start of code 1 (`EEXIST: mkdir`).
 */
export function outputStoreIn(
  options: Pick<OrchestratorOptions, "outputsDir" | "outputRetention" | "outputMemoryBytes">,
  log: Logger,
): OutputStore {
  const dir = options.outputsDir && resolve(options.outputsDir);
  try {
    return new OutputStore({
      ...(dir ? { dir } : {}),
      // Not the error's message: it holds the result's path, whose name is all a client needs to fetch it.
      onLost: (err, bytes) =>
        log.error("output lost: it could not be written to output-dir", {
          output_dir: dir ?? "(temporary)",
          bytes,
          code: err.code ?? "unknown",
          syscall: err.syscall ?? "write",
        }),
      retentionSec: options.outputRetention ?? 3600,
      ...(options.outputMemoryBytes !== undefined ? { memoryBytes: options.outputMemoryBytes } : {}),
    });
  } catch (err) {
    if (!dir) throw err;
    const { code, message } = err as NodeJS.ErrnoException;
    const why = code === "EEXIST" || code === "ENOTDIR" ? "is not a directory" : `cannot be made (${code ?? message})`;
    throw new ConfigError(
      `output-dir (--output-dir, AVS_ORCHESTRATOR_OUTPUT_DIR): ${dir} ${why}; point it at a directory this process can write, or leave it out for a temporary one`,
      { cause: err },
    );
  }
}
