/**
 * @module Where orchestrators come from: the static list, an orchestrators file re-read when it changes, and a
 * discovery URL (a real HTTP server on 127.0.0.1 answering Livepeer's `[{"address"}]` shape); `/info` polling.
 * An address with a user name or password (`http://op:pw@host`), which fetch refuses to call, is refused from the
 * `orchestrator` setting and the orchestrators file (naming the setting, not the password), and left out of a
 * discovery list with a redacted log line.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/cli-config.js";
import { OrchestratorRegistry } from "../src/orchestrators/registry.js";
import { parseAddressList } from "../src/orchestrators/sources.js";
import { startEndlessServer } from "./support/endless-server.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { registryFixture } from "./support/registry-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "avs-registry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { logs, base, cleanup, startError } = registryFixture();

async function fake(model = "m"): Promise<FakeOrchestrator> {
  const f = await startFakeOrchestrator([{ pipeline: "upscale", model_id: model, capacity: 3, in_use: 1 }]);
  cleanup.push(() => f.close());
  return f;
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe("orchestrator registry", () => {
  it("polls /info of the static list, with per-orchestrator secrets over the default", async () => {
    const [a, b] = [await fake("m1"), await fake("m2")];
    const r = new OrchestratorRegistry({
      ...base,
      orchestratorSecret: "default",
      orchestrators: [{ url: `${a.url}/` }, { url: b.url, secret: "own" }],
    });
    cleanup.push(() => r.stop());
    await r.start();
    const [oa, ob] = r.list();
    expect(oa!.url).toBe(a.url);
    expect([oa!.secret, ob!.secret]).toEqual(["default", "own"]);
    expect(oa!.capability("upscale", "m1")).toMatchObject({ capacity: 3, in_use: 1, warm: true });
    expect(oa!.free(oa!.capability("upscale", "m1")!)).toBe(2);
    expect(ob!.capability("upscale", "m1")).toBeUndefined();
    b.capabilities[0]!.in_use = 3;
    await until(() => ob!.capability("upscale", "m2")?.in_use === 3);
    await b.close();
    await until(() => !ob!.reachable);
    expect(ob!.infoError).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it("measures an orchestrator afresh, and ends its hold-back, when it comes back after being unreachable", async () => {
    const a = await fake("m");
    const r = new OrchestratorRegistry({ ...base, orchestrators: [{ url: a.url }] });
    cleanup.push(() => r.stop());
    await r.start();
    const o = r.list()[0]!;
    for (let i = 0; i < 3; i++) o.stats("upscale", "m").success(100, 10);
    for (let i = 0; i < 4; i++) {
      o.stats("upscale", "m").failure();
      o.backoff.fail(Date.now());
    }
    expect(o.backoff.heldBack(Date.now())).toBe(true);
    expect(o.stats("upscale", "m").successRate).toBeLessThan(0.5);
    a.infoDown = true;
    await until(() => !o.reachable);
    expect(o.stats("upscale", "m").successes).toBe(3);
    a.infoDown = false;
    await until(() => o.reachable);
    expect(o.stats("upscale", "m")).toMatchObject({ successes: 0, successRate: 1, msPerUnit: undefined });
    expect(o.backoff.heldBack(Date.now())).toBe(false);
    expect(o.backoff.failures).toBe(0);
  });

  it("re-reads the orchestrators file when it changes and keeps the last good list when it breaks", async () => {
    const [a, b] = [await fake(), await fake()];
    const file = join(dir, "orchestrators.json");
    writeFileSync(file, JSON.stringify([{ address: a.url }]));
    const r = new OrchestratorRegistry({ ...base, orchestratorsFile: file });
    cleanup.push(() => r.stop());
    await r.start();
    expect(r.list().map((o) => o.url)).toEqual([a.url]);
    writeFileSync(file, JSON.stringify([{ address: a.url }, { address: b.url, secret: "sb" }]));
    await until(() => r.list().length === 2);
    expect(r.list()[1]).toMatchObject({ url: b.url, secret: "sb" });
    await until(() => r.list()[1]!.reachable);
    writeFileSync(file, "[{not json");
    await new Promise((res) => setTimeout(res, 1300));
    expect(r.list().map((o) => o.url)).toEqual([a.url, b.url]);
    expect(logs.some((l) => l.includes("orchestrators file unreadable") && l.includes("not JSON"))).toBe(true);
    writeFileSync(file, JSON.stringify([{ address: b.url }]));
    await until(() => r.list().length === 1);
    expect(r.list()[0]!.url).toBe(b.url);
  });

  it("polls the orchestrators of a file every info-interval-ms, not at each look at the file", async () => {
    const a = await fake();
    const file = join(dir, "polled.json");
    writeFileSync(file, JSON.stringify([{ address: a.url }]));
    // The file is looked at every 100 ms (discovery-interval-ms here; at most every second).
    const r = new OrchestratorRegistry({ ...base, infoIntervalMs: 1000, orchestratorsFile: file });
    cleanup.push(() => r.stop());
    await r.start();
    const before = a.infoPolls;
    await new Promise((res) => setTimeout(res, 2500));
    expect(before).toBe(1);
    expect(a.infoPolls - before).toBeLessThanOrEqual(3);
    const b = await fake();
    writeFileSync(file, JSON.stringify([{ address: a.url }, { address: b.url }]));
    await until(() => r.list()[1]?.reachable === true, 1000);
  });

  it("follows a discovery URL", async () => {
    const [a, b] = [await fake(), await fake()];
    let answer: unknown = [{ address: a.url }];
    const server: Server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(answer));
    });
    await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
    cleanup.push(() => new Promise((res) => server.close(res)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orchestrators`;
    const r = new OrchestratorRegistry({ ...base, discoveryUrl: url, orchestratorSecret: "s" });
    cleanup.push(() => r.stop());
    await r.start();
    expect(r.list().map((o) => [o.url, o.secret, o.reachable])).toEqual([[a.url, "s", true]]);
    answer = [{ address: a.url }, { address: b.url }];
    await until(() => r.list().length === 2 && r.list()[1]!.reachable);
    answer = { not: "a list" };
    await new Promise((res) => setTimeout(res, 300));
    expect(r.list()).toHaveLength(2);
  });
});

describe("answers of servers the gateway does not run", () => {
  it("reads at most 1 MiB of an /info or a discovery list, however much is sent", async () => {
    // Answers every request with JSON whitespace that never ends, as fast as it is read.
    const server = await startEndlessServer(200, "application/json", 0x20);
    cleanup.push(() => server.close());
    const { url } = server;
    logs.length = 0;
    const r = new OrchestratorRegistry({ ...base, orchestrators: [{ url }], discoveryUrl: `${url}/orchestrators` });
    cleanup.push(() => r.stop());
    await r.start();
    await until(() => logs.some((l) => l.includes("orchestrator unreachable")));
    await until(() => logs.some((l) => l.includes("discovery failed")));
    const lines = logs.map((l) => JSON.parse(l) as { msg: string; error?: string });
    expect(lines.find((l) => l.msg === "orchestrator unreachable")?.error).toBe(
      "an answer of more than the 1048576 bytes read",
    );
    expect(lines.find((l) => l.msg === "discovery failed; keeping the last list")?.error).toBe(
      "an answer of more than the 1048576 bytes read",
    );
    expect(r.list().map((o) => o.reachable)).toEqual([false]);
    // Each read stopped at its cap: what was sent is that and what the sockets' buffers held, not an endless body.
    expect(server.sent()).toBeLessThan(32 * 1024 * 1024);
  });
});

describe("address lists", () => {
  it("name the source and entry that is wrong", () => {
    expect(parseAddressList('[{"address":"http://a:1","secret":"x"}]', "f")).toEqual([
      { url: "http://a:1", secret: "x" },
    ]);
    expect(() => parseAddressList('{"address":"http://a"}', "f.json")).toThrow(
      'f.json: must be a JSON array of {"address": "..."}',
    );
    expect(() => parseAddressList('[{"address":"ftp://a"}]', "f.json")).toThrow(
      'f.json: entry 0 must be {"address": "http(s)://..."}, got {"address":"ftp://a"}',
    );
  });
});

const WITH_PASSWORD = "http://op:s3cretpw@127.0.0.1:9/";

describe("an orchestrator address with a user name or password", () => {
  it("is refused from the orchestrator setting, naming it without the password", () => {
    const run = () => parseConfig(["--orchestrator", WITH_PASSWORD], {});
    expect(run).toThrow(
      'orchestrator: orchestrator address http://***@127.0.0.1:9/ holds a user name or password, which is never sent; give the orchestrator\'s secret as "secret" (or orchestrator-secret) instead',
    );
    expect(() => new OrchestratorRegistry({ ...base, orchestrators: [{ url: WITH_PASSWORD }] })).toThrow(
      /^orchestrator: orchestrator address http:\/\/\*\*\*@127\.0\.0\.1:9\/ holds/,
    );
  });

  it("in the orchestrators file stops the start, naming the setting and entry without the password", async () => {
    const file = join(dir, "orchestrators.json");
    writeFileSync(file, JSON.stringify([{ address: "http://127.0.0.1:9" }, { address: WITH_PASSWORD }]));
    const err = await startError({ orchestratorsFile: file });
    expect(err?.message).toMatch(
      new RegExp(
        `^orchestrators-file ${file}: entry 1: orchestrator address http://\\*\\*\\*@127\\.0\\.0\\.1:9/ holds`,
      ),
    );
    expect(err?.message).not.toContain("s3cretpw");
  });

  it("in a discovery list is left out and logged redacted; the other entries are used", async () => {
    const good = await fake();
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify([{ address: WITH_PASSWORD }, { address: good.url }]));
    });
    await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
    cleanup.push(() => new Promise((res) => server.close(res)));
    logs.length = 0;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const r = new OrchestratorRegistry({ ...base, discoveryUrl: url });
    cleanup.push(() => r.stop());
    await r.start();
    expect(r.list().map((o) => [o.url, o.reachable])).toEqual([[good.url, true]]);
    const ignored = logs
      .map((l) => JSON.parse(l) as { msg: string; address?: string })
      .filter((l) => l.msg === "discovery entry ignored: its address holds a user name or password");
    expect(ignored[0]?.address).toBe("http://***@127.0.0.1:9/");
    expect(logs.some((l) => l.includes("s3cretpw"))).toBe(false);
  });
});
