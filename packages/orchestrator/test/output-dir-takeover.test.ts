/**
 * @module A real orchestrator started on an operator's `output-dir` that an earlier run left files in (it was
 * stopped or killed: the index of names died with it): it deletes the expired results and the partial encodes of
 * dead writers at start, the others when their retention ends, leaves everything else alone, and logs it in one line.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogFields } from "@ai-video-subnet/server-kit";
import { afterAll, describe, expect, it } from "vitest";
import { OutputStore } from "../src/outputs/output-store.js";
import { eventually, startOrchestrator } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "avs-output-dir-"));
let orch: Awaited<ReturnType<typeof startOrchestrator>> | undefined;
afterAll(async () => {
  await orch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("an operator's output-dir across restarts", () => {
  it("is taken over at start: expired results and dead writers' partial encodes deleted, the rest at retention end", async () => {
    // The earlier run, with an 8 s retention: results it spilled to disk (close waits for the writes and, on a given
    // directory, deletes nothing: all a stop or a SIGKILL leaves), and an encode cut short by the death of its writer.
    const earlier = new OutputStore({ dir, retentionSec: 8, memoryBytes: 0 });
    const expired = earlier.put(new Uint8Array([1]), "png");
    const young = earlier.put(new Uint8Array([2]), "mp4");
    await earlier.close();
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, expired), hourAgo, hourAgo);
    // Written 4 s ago: half its retention left, ample for a start on a loaded machine, and a short wait after.
    const fourAgo = new Date(Date.now() - 4000);
    utimesSync(join(dir, young), fourAgo, fourAgo);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    const partial = `.encoding-${dead}-q81x.mp4`;
    writeFileSync(join(dir, partial), "half an mp4");
    writeFileSync(join(dir, "operator.png"), "not the orchestrator's");
    utimesSync(join(dir, "operator.png"), hourAgo, hourAgo);

    const lines: Array<[string, LogFields | undefined]> = [];
    const record = (msg: string, fields?: LogFields) => void lines.push([msg, fields]);
    orch = await startOrchestrator({
      models: [{ pipeline: "upscale", model_id: "m" }],
      outputsDir: dir,
      outputRetention: 8,
      log: { info: record, warn: record, error: record },
    });
    expect(lines.filter(([msg]) => msg.startsWith("output-dir"))).toEqual([
      [
        "output-dir taken over",
        { output_dir: dir, expired_deleted: 1, partial_encodes_deleted: 1, kept_until_retention: 1 },
      ],
    ]);
    expect(readdirSync(dir).sort()).toEqual(["operator.png", young].sort());
    await eventually(() => readdirSync(dir).length === 1, 20_000, "the young result deleted at its retention end");
    expect(readdirSync(dir)).toEqual(["operator.png"]);
  }, 30_000);
});
