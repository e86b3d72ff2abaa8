/**
 * @module The built bundle in Deno and Bun (their official binaries from npm) and in Node (ESM and CJS): each runs
 * test/runtimes/smoke.mjs against the real stack (broadcaster → orchestrator → avs-runner with tiny ESRGAN).
 */
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installModels, png, startGateway, startOrchestrator, tempDir, UPSCALER } from "./stack.js";

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SMOKE = join(ROOT, "test/runtimes/smoke.mjs");
const KEY = "sk-runtimes";
const require = createRequire(import.meta.url);
const DENO = join(dirname(require.resolve("@deno/linux-x64-glibc/package.json")), "deno");
const BUN = join(dirname(require.resolve("@oven/bun-linux-x64/package.json")), "bin/bun");

const tmp = tempDir("runtimes");
let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let image: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/index.js"))) await run("pnpm", ["run", "build"], { cwd: ROOT });
  const models = installModels(tmp.dir, [UPSCALER]);
  orchestrator = await startOrchestrator(models, [{ pipeline: "upscale", model_id: UPSCALER }]);
  gateway = await startGateway({ orchestrators: [orchestrator.url], apiKeys: [KEY] });
  image = join(tmp.dir, "in.png");
  writeFileSync(image, png(6, 5));
  // Wait until the broadcaster has seen the orchestrator's capabilities.
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${gateway.url}/upscale`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: form(),
    });
    await res.arrayBuffer();
    if (res.ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
});

function form() {
  const f = new FormData();
  f.append("model_id", UPSCALER);
  f.append("prompt", "");
  f.append("image", new Blob([png(2, 2)]));
  return f;
}

afterAll(async () => {
  await gateway?.stop();
  await orchestrator?.stop();
  tmp.cleanup();
});

const EXPECTED = {
  seed: 9,
  width: 24,
  height: 20,
  streamed: true,
  authError: true,
  message: "[POST] /upscale: 401 Unauthorized — invalid API key",
};

async function smoke(command: string[], format: "esm" | "cjs") {
  const { stdout } = await run(command[0]!, [...command.slice(1), SMOKE, format, gateway.url, KEY, UPSCALER, image], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1" },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

describe("runtimes", () => {
  it("Deno runs the ESM bundle (file path upload included)", async () => {
    const out = await smoke([DENO, "run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env"], "esm");
    expect(out).toEqual({ runtime: "deno", ...EXPECTED });
  });

  it("Bun runs the ESM and the CJS bundle", async () => {
    expect(await smoke([BUN, "run"], "esm")).toEqual({ runtime: "bun", ...EXPECTED });
    expect(await smoke([BUN, "run"], "cjs")).toEqual({ runtime: "bun", ...EXPECTED });
  });

  it("Node runs the ESM and the CJS bundle", async () => {
    expect(await smoke([process.execPath], "esm")).toEqual({ runtime: "node", ...EXPECTED });
    expect(await smoke([process.execPath], "cjs")).toEqual({ runtime: "node", ...EXPECTED });
  });
});
