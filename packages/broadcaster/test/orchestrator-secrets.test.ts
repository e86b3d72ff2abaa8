/**
 * @module An orchestrator secret must be a bearer token (RFC 6750's b64token, server-kit's `isBearerToken`): one that
 * no `Authorization: Bearer` header can carry (`top secret`, `sécret`) failed every job with 401. It is refused at
 * start — `orchestrator-secret`, a config file entry's `secret`, an orchestrators file entry's (exit 2) — naming
 * where it is and never the value; a later edit of the orchestrators file is refused with a warning (the last good
 * list is kept), and a discovery entry with one is left out.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/cli-config.js";
import { OrchestratorRegistry } from "../src/orchestrators/registry.js";
import { startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { registryFixture } from "./support/registry-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "avs-orchestrator-secrets-"));
const BIN = fileURLToPath(new URL("../bin/avs-broadcaster.mjs", import.meta.url));
const RULE = "the secret must hold only letters, digits and -._~+/ (then = padding), as RFC 6750 requires";
const BAD = ["top secret", "sécret"];
const { logs, base, cleanup, startError } = registryFixture();
afterEach(() => {
  logs.length = 0;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const messageOf = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return "no error";
};

describe("orchestrator-secret and the config file's orchestrator entries", () => {
  it("refuse a secret that is no bearer token, naming the setting or entry and not the value", () => {
    for (const secret of BAD) {
      const flag = messageOf(() => parseConfig(["--orchestrator-secret", secret], {}));
      const env = messageOf(() => parseConfig([], { AVS_BROADCASTER_ORCHESTRATOR_SECRET: secret }));
      const file = join(dir, "config.json");
      writeFileSync(
        file,
        JSON.stringify({ orchestrator: ["http://127.0.0.1:7", { url: "http://127.0.0.1:9", secret }] }),
      );
      const entry = messageOf(() => parseConfig(["--config", file], {}));
      expect(flag).toMatch(/^orchestrator-secret must hold only letters, digits and -\._~\+\/ /);
      expect(env).toBe(flag);
      expect(entry).toBe(
        `orchestrator http://127.0.0.1:9: ${RULE} of a bearer token; the value given (not shown: it is a secret) holds something else`,
      );
      for (const m of [flag, env, entry]) expect(m).not.toContain(secret);
    }
  });

  it("take one that is a bearer token", () => {
    const file = join(dir, "good.json");
    writeFileSync(file, JSON.stringify({ orchestrator: [{ url: "http://127.0.0.1:9", secret: "s3cret_x/y+z==" }] }));
    const { options } = parseConfig(["--config", file, "--orchestrator-secret", "a.b~c-d"], {});
    expect([options.orchestratorSecret, options.orchestrators]).toEqual([
      "a.b~c-d",
      [{ url: "http://127.0.0.1:9", secret: "s3cret_x/y+z==" }],
    ]);
  });

  it("stop avs-broadcaster with exit 2, from the flag and from the orchestrators file", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [BIN, "--port", "0", ...args], { encoding: "utf8", timeout: 20_000 });
    const flag = run(["--orchestrator-secret", "top secret", "--output-dir", join(dir, "bin-out")]);
    expect([flag.status, flag.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/^avs-broadcaster: orchestrator-secret must hold only letters/),
    ]);
    const file = join(dir, "bin-orchestrators.json");
    writeFileSync(file, JSON.stringify([{ address: "http://127.0.0.1:9", secret: "top secret" }]));
    const fromFile = run(["--orchestrators-file", file, "--output-dir", join(dir, "bin-out")]);
    expect(fromFile.status).toBe(2);
    expect(fromFile.stdout).toContain(`orchestrators-file ${file}: entry 0 (http://127.0.0.1:9): ${RULE}`);
    expect(`${flag.stderr}${fromFile.stdout}${fromFile.stderr}`).not.toContain("top secret");
  });
});

describe("the orchestrators file and discovery", () => {
  it("refuse a bad secret in the file at start, and a later edit with a warning, keeping the last good list", async () => {
    const file = join(dir, "orchestrators.json");
    writeFileSync(
      file,
      JSON.stringify([{ address: "http://127.0.0.1:9" }, { address: "http://127.0.0.1:8", secret: "sécret" }]),
    );
    const err = await startError({ orchestratorsFile: file });
    expect(err?.message).toBe(
      `orchestrators-file ${file}: entry 1 (http://127.0.0.1:8): ${RULE} of a bearer token; the value given (not shown: it is a secret) holds something else`,
    );
    writeFileSync(file, JSON.stringify([{ address: "http://127.0.0.1:9", secret: "good" }]));
    const r = new OrchestratorRegistry({ ...base, orchestratorsFile: file });
    cleanup.push(() => r.stop());
    await r.start();
    expect(r.list().map((o) => [o.url, o.secret])).toEqual([["http://127.0.0.1:9", "good"]]);
    writeFileSync(
      file,
      JSON.stringify([{ address: "http://127.0.0.1:9", secret: "top secret" }, { address: "http://127.0.0.1:7" }]),
    );
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.list().map((o) => [o.url, o.secret])).toEqual([["http://127.0.0.1:9", "good"]]);
    const warned = logs.find((l) => l.includes("orchestrators file unreadable"));
    expect(warned).toContain(`entry 0 (http://127.0.0.1:9): ${RULE}`);
    expect(logs.some((l) => l.includes("top secret") || l.includes("sécret"))).toBe(false);
  });

  it("leave a discovery entry with a bad secret out, with a warning, and use the others", async () => {
    const good = await startFakeOrchestrator([{ pipeline: "upscale", model_id: "m" }]);
    cleanup.push(() => good.close());
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify([
          { address: "http://127.0.0.1:9", secret: "top secret" },
          { address: good.url, secret: "ok" },
        ]),
      );
    });
    await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
    cleanup.push(() => new Promise((res) => server.close(res)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const r = new OrchestratorRegistry({ ...base, discoveryUrl: url });
    cleanup.push(() => r.stop());
    await r.start();
    expect(r.list().map((o) => [o.url, o.secret, o.reachable])).toEqual([[good.url, "ok", true]]);
    const ignored = logs
      .map((l) => JSON.parse(l) as { msg: string; address?: string })
      .filter((l) => l.msg === "discovery entry ignored: its secret cannot be a bearer token");
    expect(ignored.map((l) => l.address)).toEqual(["http://127.0.0.1:9"]);
    expect(logs.some((l) => l.includes("top secret"))).toBe(false);
  });

  it("are refused from a library caller's options too", () => {
    const withSecret = (secret: string) => ({ ...base, orchestrators: [{ url: "http://127.0.0.1:9", secret }] });
    expect(messageOf(() => new OrchestratorRegistry(withSecret("top secret")))).toMatch(
      /^orchestrator http:\/\/127\.0\.0\.1:9: the secret must/,
    );
    expect(messageOf(() => new OrchestratorRegistry({ ...base, orchestratorSecret: "sécret" }))).toMatch(
      /^orchestrator-secret: the secret must/,
    );
    expect(new OrchestratorRegistry(withSecret("fine")).list()[0]?.secret).toBe("fine");
  });
});
