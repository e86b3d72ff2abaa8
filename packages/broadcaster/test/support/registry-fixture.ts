/** @module The registry tests' options (fast polls, a logger into an array) and the clean-ups run after each test. */
import { jsonLogger } from "@ai-video-subnet/server-kit";
import { afterEach } from "vitest";
import { OrchestratorRegistry, type RegistryOptions } from "../../src/orchestrators/registry.js";

/**
 * Registry options to spread (`{ ...base, orchestrators: […] }`), the log lines they collect, a list of clean-ups
 * run after each test of the file, and `startError(over)`: the error the start of a registry with `over` fails with.
 * @example const { base, logs, cleanup } = registryFixture(); const r = new OrchestratorRegistry(base);
 */
export function registryFixture() {
  const logs: string[] = [];
  const base = {
    orchestrators: [],
    discoveryIntervalMs: 100,
    infoIntervalMs: 100,
    backoffBaseMs: 1000,
    backoffMaxMs: 60_000,
    logger: jsonLogger({ level: "debug", write: (l) => logs.push(l) }),
  };
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });
  const startError = async (over: Partial<RegistryOptions>): Promise<Error | undefined> => {
    const r = new OrchestratorRegistry({ ...base, ...over });
    cleanup.push(() => r.stop());
    return r.start().then(
      () => undefined,
      (e: Error) => e,
    );
  };
  return { logs, base, cleanup, startError };
}
