/**
 * @module A job that ends while the orchestrator stops (SIGTERM, within `shutdown-grace`): its answer carries the
 * media inline as `data:` URLs, because the orchestrator has closed its port and its stored outputs go with the
 * process — a URL under /outputs could never be fetched. SIGHUP drains the same way. The runner is a fake external
 * runner (as a Livepeer ai-runner would be) that holds the job until the test has sent the signal.
 */
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import type http from "node:http";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, fakeRunner, modelsDir, png, runOrchestratorBin, TINY, upscaleForm } from "./helpers.js";

const models = modelsDir();
const children: ChildProcess[] = [];
const servers: http.Server[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  for (const s of servers) s.close();
  models.cleanup();
});

describe("a job drained by a stop", () => {
  // SIGHUP (a closed terminal or ssh session) stops it as SIGTERM does: Node's default for it was to exit at once.
  it.each(["SIGTERM", "SIGHUP"] as const)(
    "(%s) is answered with its media inline, whatever delivery it asked for",
    async (signal) => {
      const output = Buffer.from(png(4, 4));
      const held: http.ServerResponse[] = [];
      const { server, url } = await fakeRunner((req, res) => {
        req.resume();
        req.on("end", () => held.push(res));
      });
      servers.push(server);
      const answer = (res: http.ServerResponse) =>
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            images: [{ url: `data:image/png;base64,${output.toString("base64")}`, seed: 7, nsfw: false }],
          }),
        );
      const config = join(models.dir, "..", `drain-models-${signal}.json`);
      writeFileSync(config, JSON.stringify([{ pipeline: "upscale", model_id: TINY, url, token: "t", capacity: 2 }]));
      const p = runOrchestratorBin(
        ["--config", config, "--models-dir", models.dir, "--port", "0", "--shutdown-grace", "60"],
        { children },
      );
      await eventually(() => p.lines.find((l) => l.msg === "ready"), 30_000, "ready");
      const port = p.lines.find((l) => l.msg === "listening" && !l.runner)!.port;
      const post = (delivery: string) =>
        fetch(`http://127.0.0.1:${port}/upscale`, {
          method: "POST",
          headers: { "x-media-delivery": delivery },
          body: upscaleForm(TINY, png(8, 8)),
        });

      // Before the stop: a URL this orchestrator serves.
      const before = post("url");
      await eventually(() => held.length === 1, 10_000, "the first job at the runner");
      answer(held[0]!);
      const first = await before;
      expect(first.headers.get("x-media-delivery")).toBe("url");
      const { images: firstImages } = (await first.json()) as { images: Array<{ url: string }> };
      expect(firstImages[0]!.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/outputs/`));

      // A job in flight when SIGTERM comes, answered by its runner after the stop began.
      const during = post("url");
      await eventually(() => held.length === 2, 10_000, "the second job at the runner");
      p.child.kill(signal);
      await eventually(() => p.lines.find((l) => l.msg === "stopping" && l.signal === signal), 10_000, "stopping");
      answer(held[1]!);
      const res = await during;
      expect(res.status).toBe(200);
      expect(res.headers.get("x-media-delivery")).toBe("data");
      expect(await res.json()).toEqual({
        images: [{ url: `data:image/png;base64,${output.toString("base64")}`, seed: 7, nsfw: false }],
      });
      expect(await p.exit).toBe(0);
    },
    60_000,
  );
});
