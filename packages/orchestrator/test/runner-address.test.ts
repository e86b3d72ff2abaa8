/**
 * @module A client never reads where the operator's runners listen: a runner's own 503 that names addresses, and the
 * 503 of a runner that failed to start (`runner at http://127.0.0.1:… reports ERROR`), reach the client without
 * them; the orchestrator's log keeps them. The failed start is a real `avs-runner` whose model folder lacks its model.
 */
import { mkdirSync } from "node:fs";
import type http from "node:http";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { fakeRunner, modelsDir, recordingLogger, startOrchestrator, TINY, upscaleForm } from "./helpers.js";

const BROKEN = "tiny/broken";
const models = modelsDir([TINY]);
mkdirSync(join(models.dir, BROKEN), { recursive: true });
afterAll(() => models.cleanup());

let orch: Awaited<ReturnType<typeof startOrchestrator>> | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  await orch?.stop();
  orch = server = undefined;
});

const ADDRESS = /\d+\.\d+\.\d+\.\d+|:\/\/|localhost|\[::/;
const upscale = (model: string) => fetch(`${orch!.url}/upscale`, { method: "POST", body: upscaleForm(model) });

describe("runner addresses", () => {
  it("are left out of a runner's own 503 and kept in the log", async () => {
    const said = "busy: upstream http://10.1.2.3:8000/upscale refused (connect ECONNREFUSED 127.0.0.1:41873)";
    let url: string;
    ({ server, url } = await fakeRunner((req, res) => {
      req.resume();
      res.writeHead(503, { "content-type": "application/json", "retry-after": "7" });
      res.end(JSON.stringify({ detail: { msg: said } }));
    }));
    const log = recordingLogger();
    orch = await startOrchestrator({ models: [{ pipeline: "upscale", model_id: TINY, url, token: "t" }], log });
    const res = await upscale(TINY);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("7");
    expect((await res.json()).detail.msg).toBe("busy: upstream <address> refused (connect ECONNREFUSED <address>)");
    expect(JSON.stringify(log.lines)).toContain(said);
  }, 60_000);

  it("are left out of the 503s of a runner that failed to start, and kept in the log", async () => {
    const log = recordingLogger();
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: BROKEN, warm: false }],
      modelsDir: models.dir,
      log,
    });
    // The job that starts the cold runner, then one while it waits out its backoff.
    const first = await upscale(BROKEN);
    expect(first.status).toBe(503);
    const firstMsg = (await first.json()).detail.msg as string;
    expect(firstMsg).toBe(
      'upscale model "tiny/broken" is not available: the runner reports ERROR: its model failed to load',
    );
    const second = await upscale(BROKEN);
    expect(second.status).toBe(503);
    const secondMsg = (await second.json()).detail.msg as string;
    expect(secondMsg).toMatch(
      /^upscale model "tiny\/broken" is not available: its runner failed \(the runner reports ERROR: its model failed to load\); it is started again in \d+ s$/,
    );
    expect(`${firstMsg} ${secondMsg}`).not.toMatch(ADDRESS);
    expect(JSON.stringify(log.lines)).toMatch(/runner at http:\/\/127\.0\.0\.1:\d+ reports ERROR/);
  }, 60_000);
});
