/**
 * @module What a hostile client can learn or steer: `/metrics` only for loopback or a token, output URLs never
 * built from the `Host` header, and the connection settings as flags.
 */
import net from "node:net";
import { networkInterfaces } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/index.js";
import { startBroadcaster, type TestBroadcaster, textToImage } from "./support/broadcaster.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const CAP = { pipeline: "text-to-image", model_id: "tiny/sd-turbo" };
const JOB = { model_id: "tiny/sd-turbo", prompt: "a fox", width: 64, height: 64, num_inference_steps: 1 };
/** An address of this machine that is not loopback, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

let open: Array<TestBroadcaster | FakeOrchestrator> = [];
afterEach(async () => {
  for (const x of open) await x.close();
  open = [];
});

describe.skipIf(!external)("/metrics", () => {
  it("answers loopback clients and refuses others with 403 when no token is set", async () => {
    const t = await startBroadcaster({ host: "0.0.0.0" });
    open.push(t);
    const port = new URL(t.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    const far = await fetch(`http://${external}:${port}/metrics`);
    expect(far.status).toBe(403);
    expect(await far.json()).toEqual({
      detail: { msg: "metrics are served to loopback clients only; set metrics-token to read them remotely" },
    });
    expect((await fetch(`http://${external}:${port}/health`)).status).toBe(200);
  });

  it("requires the bearer token from every client when metrics-token is set", async () => {
    const t = await startBroadcaster({ host: "0.0.0.0", metricsToken: "m3trics" });
    open.push(t);
    const port = new URL(t.url).port;
    for (const host of ["127.0.0.1", external]) {
      const bare = await fetch(`http://${host}:${port}/metrics`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get("www-authenticate")).toBe("Bearer");
      const ok = await fetch(`http://${host}:${port}/metrics`, { headers: { authorization: "Bearer m3trics" } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("avs_broadcaster_");
    }
  });
});

describe("output URLs", () => {
  it("come from the listening address, not Host; from X-Forwarded-Host only via a trusted proxy", async () => {
    const o = await startFakeOrchestrator([CAP]);
    open.push(o);
    const t = await startBroadcaster({ orchestrators: [o.url] });
    const trusting = await startBroadcaster({ orchestrators: [o.url], trustProxy: ["127.0.0.1"] });
    open.unshift(t, trusting);
    const evil = { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
    const plain = await (await textToImage(t.url, JOB, evil)).json();
    expect(plain.images[0].url.startsWith(`${t.url}/outputs/`)).toBe(true);
    const proxied = await (await textToImage(trusting.url, JOB, evil)).json();
    expect(proxied.images[0].url.startsWith("https://evil.example/outputs/")).toBe(true);
  });
});

describe("a client hanging up mid-upload", () => {
  it("is logged at info, not as an unhandled error, and the gateway keeps serving", async () => {
    const o = await startFakeOrchestrator([{ pipeline: "upscale", model_id: "m" }]);
    open.push(o);
    const t = await startBroadcaster({ orchestrators: [o.url] });
    open.unshift(t);
    const port = Number(new URL(t.url).port);
    const head =
      '--b\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n';
    await new Promise<void>((resolve) => {
      const s = net.connect({ port, host: "127.0.0.1" }, () => {
        s.write(
          "POST /upscale HTTP/1.1\r\nHost: x\r\ncontent-type: multipart/form-data; boundary=b\r\ncontent-length: 1000000\r\n\r\n",
        );
        s.write(head + "x".repeat(20_000));
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 200);
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(t.logs.filter((l) => l.level === "error")).toEqual([]);
    expect(t.logs.some((l) => l.msg === "client went away mid-request" && l.level === "info")).toBe(true);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});

describe("settings", () => {
  it("reads the connection limits, trust-proxy and metrics-token as flags and environment", () => {
    const { options } = parseConfig(
      ["--max-connections", "1000", "--headers-timeout", "2.5", "--trust-proxy", "10.0.0.1"],
      { AVS_BROADCASTER_MAX_CONNECTIONS_PER_CLIENT: "32", AVS_BROADCASTER_METRICS_TOKEN: "tok" },
    );
    expect(options.connectionLimits).toEqual({
      maxConnections: 1000,
      maxConnectionsPerClient: 32,
      headersTimeoutMs: 2500,
    });
    expect(options.trustProxy).toEqual(["10.0.0.1"]);
    expect(options.metricsToken).toBe("tok");
  });
});
