/**
 * @module `/outputs/{name}` on a real orchestrator: Range requests answered as RFC 9110 says, for a result held in
 * memory and for one on disk (read alone from the file), cached no longer than they are kept; a result that cannot be
 * written to disk is logged and forgotten, not a crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogFields } from "@ai-video-subnet/server-kit";
import { rangeProblems } from "@ai-video-subnet/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startOrchestrator } from "./helpers.js";

const DATA = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);

describe("stored outputs", () => {
  let orch: Awaited<ReturnType<typeof startOrchestrator>>;
  beforeAll(async () => {
    // A cold model: no runner starts, and none is needed to serve stored outputs.
    orch = await startOrchestrator({ models: [{ pipeline: "upscale", model_id: "m" }], outputRetention: 30 });
  });
  afterAll(() => orch?.stop());

  it("serves Range requests of a result held in memory, and a 404 for a name it does not have", async () => {
    const name = orch.store.put(DATA, "mp4");
    expect(await rangeProblems(`${orch.url}/outputs/${name}`, DATA, [["bytes=0-0", 0, 0]])).toEqual([]);
    // Cached no longer than it is kept (30 s here): it said an hour whatever output-retention was.
    const head = await fetch(`${orch.url}/outputs/${name}`, { method: "HEAD" });
    expect(head.headers.get("cache-control")).toBe("private, max-age=30, immutable");
    const res = await fetch(`${orch.url}/outputs/${"a".repeat(32)}.mp4`, { headers: { range: "bytes=0-9" } });
    expect(res.status).toBe(404);
    await res.body?.cancel();
  });

  it("serves Range requests of a result on disk", async () => {
    const file = join(orch.store.dir, "encoded.tmp");
    writeFileSync(file, DATA);
    const name = await orch.store.adopt(file, "mp4");
    expect(await rangeProblems(`${orch.url}/outputs/${name}`, DATA, [["bytes=0-0", 0, 0]])).toEqual([]);
  });

  it("logs a result it could not write to output-dir and keeps serving: it crashed on the write's rejection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "avs-outputs-lost-"));
    const lines: Array<[string, LogFields | undefined]> = [];
    const record = (msg: string, fields?: LogFields) => void lines.push([msg, fields]);
    const small = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: "m" }],
      outputsDir: dir,
      outputMemoryBytes: 1,
      log: { info: record, warn: record, error: record },
    });
    try {
      rmSync(dir, { recursive: true, force: true });
      const name = small.store.put(DATA, "png");
      small.store.put(DATA, "png");
      await eventually(() => lines.some(([msg]) => msg.startsWith("output lost")), 10_000, "the lost output logged");
      const [, fields] = lines.find(([msg]) => msg.startsWith("output lost"))!;
      expect(fields).toEqual({ output_dir: dir, bytes: DATA.length, code: "ENOENT", syscall: "open" });
      expect(JSON.stringify(lines)).not.toContain(name);
      const res = await fetch(`${small.url}/outputs/${name}`);
      expect(res.status).toBe(404);
      await res.body?.cancel();
      expect((await fetch(`${small.url}/health`)).status).toBe(200);
    } finally {
      await small.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
