/**
 * @module "Start a stack" for end-to-end tests: fresh models in a temporary directory and a network of real
 * processes serving them (see {@link startNetwork}), torn down after the test with a check that nothing is left.
 */
import { join } from "node:path";
import { installModels } from "./models.js";
import type { ModelEntry } from "./network/orchestrator-service.js";
import { isAlive } from "./network/process-tree.js";
import { type Network, type NetworkOptions, startNetwork } from "./network/start-network.js";
import { tempDir } from "./temp.js";

/** A started stack and how to take it down. */
export interface Stack {
  net: Network;
  /** Its temporary directory: `models/` and `work/` (model lists, outputs, logs). */
  dir: string;
  /** Stops the network, removes the directory, and returns the pids still alive afterwards (should be none). */
  close(): Promise<number[]>;
}

/**
 * Installs the models of `models` (fresh, with `avs-runner models install`) and starts a network serving them:
 * two orchestrators and a broadcaster unless `options` says otherwise.
 * @example
 * const stack = await startStack([{ pipeline: "upscale", model_id: "tiny/esrgan-x4", warm: true }]);
 * const client = createClient({ baseUrl: stack.net.broadcasterUrl });
 * expect(await stack.close()).toEqual([]);
 */
export async function startStack(
  models: ModelEntry[] | ((index: number) => ModelEntry[]),
  options: Partial<NetworkOptions> = {},
): Promise<Stack> {
  const tmp = tempDir("stack");
  const count = options.orchestrators ?? 2;
  const all = typeof models === "function" ? Array.from({ length: count }, (_, i) => models(i)).flat() : models;
  try {
    installModels(join(tmp.dir, "models"), [...new Set(all.map((m) => m.model_id))]);
    const net = await startNetwork({
      modelsDir: join(tmp.dir, "models"),
      workDir: join(tmp.dir, "work"),
      models,
      orchestrators: count,
      ...options,
    });
    return {
      net,
      dir: tmp.dir,
      async close() {
        const pids = net.pids();
        await net.stop();
        const left = pids.filter(isAlive);
        tmp.cleanup();
        return left;
      },
    };
  } catch (err) {
    tmp.cleanup();
    throw err;
  }
}
