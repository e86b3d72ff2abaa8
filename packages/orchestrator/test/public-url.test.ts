/**
 * @module A wildcard listen address without `public-url` is refused at start: every media URL would otherwise point
 * at 127.0.0.1, which a remote broadcaster cannot fetch. A single address, or a wildcard with `public-url`, starts.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/ai-models.js";
import { silentLogger } from "../src/index.js";
import { createOrchestrator } from "../src/orchestrator.js";
import { modelsDir, TINY } from "./helpers.js";

const MESSAGE = (host: string) =>
  `host ${host} listens on every interface, so no media URL can be made from it (http://127.0.0.1:<port> reaches this machine only); set public-url (--public-url, AVS_ORCHESTRATOR_PUBLIC_URL) to the address broadcasters reach this orchestrator at, e.g. http://orch.example.com:8935`;

describe("public-url with a wildcard host", () => {
  const models = [{ pipeline: "upscale", model_id: TINY }];

  it("refuses 0.0.0.0 and :: without public-url, naming the setting", async () => {
    for (const host of ["0.0.0.0", "::"]) {
      const err = await createOrchestrator({ models, host, port: 0, log: silentLogger }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(MESSAGE(host));
    }
  });

  it("starts on 0.0.0.0 with public-url, and on a single address without one", async () => {
    const dir = modelsDir();
    try {
      const started: string[] = [];
      for (const extra of [{ host: "0.0.0.0", publicUrl: "http://orch.example:8935/" }, { host: "127.0.0.1" }]) {
        const orch = await createOrchestrator({ models, modelsDir: dir.dir, port: 0, log: silentLogger, ...extra });
        await orch.start();
        started.push(extra.host);
        await orch.stop();
      }
      expect(started).toEqual(["0.0.0.0", "127.0.0.1"]);
    } finally {
      dir.cleanup();
    }
  });
});
