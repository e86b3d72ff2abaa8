/**
 * @module Where webhooks may go. By default only to public addresses: a `Webhook-Url` naming a loopback, private,
 * link-local or other special-purpose address is a 422 at submit and creates nothing; a host name that resolves only
 * to such addresses when the event is sent (DNS rebinding) is not connected to, and not tried again. The operator's
 * `webhook-allow-networks` lets chosen networks through. Deliveries go to a real receiver on 127.0.0.1; host names
 * are resolved by a resolver the test gives, as no name here resolves to a chosen address.
 */
import type { LookupAddress } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhook, webhookAddresses } from "../src/async-jobs/webhooks.js";
import { parseConfig } from "../src/config/cli-config.js";
import { startWebhookReceiver, submitAsync, type WebhookReceiver } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster } from "./support/broadcaster.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./support/fake-orchestrator.js";

const MODEL = "tiny/sd";
const JOB = { model_id: MODEL, prompt: "a harbour", width: 64, height: 64, num_inference_steps: 1 };
const POLICY = { attempts: 5, retryBaseMs: 100, retryMaxMs: 400, timeoutMs: 2000 };

describe("the address rules", () => {
  const strict = webhookAddresses();

  it.each([
    ["127.0.0.1", "a loopback"],
    ["127.255.0.9", "a loopback"],
    ["::1", "a loopback"],
    ["::ffff:127.0.0.1", "a loopback"],
    ["0.0.0.0", "an unspecified"],
    ["::", "an unspecified"],
    ["10.1.2.3", "a private"],
    ["172.16.0.1", "a private"],
    ["172.31.255.255", "a private"],
    ["192.168.1.1", "a private"],
    ["::ffff:10.0.0.1", "a private"],
    ["fd12:3456::1", "a private"],
    ["100.64.0.1", "a shared (carrier-grade NAT)"],
    ["169.254.169.254", "a link-local"],
    ["fe80::1", "a link-local"],
    ["192.0.2.10", "a documentation"],
    ["198.18.0.1", "a benchmarking"],
    ["224.0.0.251", "a multicast"],
    ["ff02::1", "a multicast"],
    ["255.255.255.255", "a reserved"],
    ["2002:7f00:1::", "a reserved"],
    // IPv4 addresses carried in IPv6: IPv4-compatible, NAT64's well-known prefix, SIIT.
    ["::7f00:1", "a reserved"],
    ["64:ff9b::7f00:1", "a loopback"],
    ["64:ff9b::a9fe:a9fe", "a link-local"],
    ["::ffff:0:a00:1", "a private"],
  ])("refuses %s as %s address", (address, kind) => {
    expect(strict.refusal(address)).toBe(`${address} is ${kind} address`);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
  ])("lets %s through", (address) => {
    expect(strict.refusal(address)).toBeUndefined();
  });

  it("lets the operator's networks through, and only those", () => {
    const some = webhookAddresses(["10.1.0.0/16", "127.0.0.1", "fd00::/8"]);
    expect(some.refusal("10.1.200.3")).toBeUndefined();
    expect(some.refusal("10.2.0.1")).toBe("10.2.0.1 is a private address");
    expect(some.refusal("127.0.0.1")).toBeUndefined();
    expect(some.refusal("127.0.0.2")).toBe("127.0.0.2 is a loopback address");
    expect(some.refusal("fd00::5")).toBeUndefined();
    const any = webhookAddresses(["0.0.0.0/0", "::/0"]);
    expect(["127.0.0.1", "::1", "169.254.169.254", "fe80::1"].map((a) => any.refusal(a))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("judges URL hosts it need not resolve: IP literals and localhost", () => {
    expect(strict.hostRefusal("[::1]")).toBe("::1 is a loopback address");
    expect(strict.hostRefusal("localhost")).toBe(
      "localhost names the loopback addresses (127.0.0.1 is a loopback address)",
    );
    expect(strict.hostRefusal("hooks.localhost")).toMatch(/^hooks.localhost names the loopback addresses/);
    expect(strict.hostRefusal("localhost.")).toMatch(/^localhost\. names the loopback addresses/);
    expect(strict.hostRefusal("hooks.localhost.")).toMatch(/^hooks\.localhost\. names the loopback addresses/);
    expect(strict.hostRefusal("hooks.example.com")).toBeUndefined();
    expect(webhookAddresses(["127.0.0.1", "::1"]).hostRefusal("localhost")).toBeUndefined();
  });

  it.each(["nonsense", "10.0.0.0/33", "::/129", "10.0.0.0/8/1", "10.0.0.0/x", "300.1.1.1"])(
    "stops the start on %j, naming the setting",
    (entry) => {
      const args = ["--port", "0", "--webhook-allow-networks", entry];
      expect(() => parseConfig(args, {})).toThrow(
        `webhook-allow-networks: ${JSON.stringify(entry)} is not an address or a CIDR (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1)`,
      );
    },
  );

  it("reads the setting from flags and the environment", () => {
    const flags = ["--port", "0", "--webhook-allow-networks", "10.0.0.0/8", "--webhook-allow-networks", "::1"];
    expect(parseConfig(flags, {}).options.webhookAllowNetworks).toEqual(["10.0.0.0/8", "::1"]);
    const env = { AVS_BROADCASTER_WEBHOOK_ALLOW_NETWORKS: "192.168.0.0/16,fd00::/8" };
    expect(parseConfig(["--port", "0"], env).options.webhookAllowNetworks).toEqual(["192.168.0.0/16", "fd00::/8"]);
  });
});

describe("a delivery", () => {
  let hook: WebhookReceiver;
  let port: string;
  beforeAll(async () => {
    hook = await startWebhookReceiver();
    port = new URL(hook.url).port;
  });
  afterAll(() => hook?.close());

  /** A resolver that answers `addresses` for every name. */
  const resolvesTo =
    (...addresses: string[]) =>
    async (): Promise<LookupAddress[]> =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  function due(url: string) {
    return {
      id: "msg_1",
      jobId: "job_1",
      event: "job.succeeded" as const,
      url,
      secret: `whsec_${"a".repeat(43)}=`,
      payload: "{}",
      attempts: 0,
      sender: "",
    };
  }

  it("is not sent, and not tried again, when the name resolves to refused addresses only", async () => {
    const before = hook.received.length;
    const addresses = webhookAddresses([], resolvesTo("127.0.0.1", "10.0.0.5"));
    const r = await deliverWebhook(due(`http://hooks.example.test:${port}/hook`), { ...POLICY, addresses });
    expect(r).toEqual({
      ok: false,
      error:
        "hooks.example.test resolves to refused addresses only (127.0.0.1 is a loopback address, 10.0.0.5 is a private address); webhooks are delivered to public addresses only, unless the gateway's operator allows a network with webhook-allow-networks",
    });
    expect(hook.received.length).toBe(before);
  });

  it("goes to the allowed one of the name's addresses", async () => {
    const before = hook.received.length;
    const addresses = webhookAddresses(["127.0.0.1"], resolvesTo("10.0.0.5", "127.0.0.1"));
    const r = await deliverWebhook(due(`http://hooks.example.test:${port}/hook`), { ...POLICY, addresses });
    expect(r).toEqual({ ok: true, statusCode: 204 });
    expect(hook.received.length).toBe(before + 1);
    expect(hook.received.at(-1)!.headers.host).toBe(`hooks.example.test:${port}`);
  });

  it("to an IP literal the rules refuse (a job accepted under other rules) is not sent", async () => {
    const before = hook.received.length;
    const r = await deliverWebhook(due(hook.url), POLICY);
    expect(r.ok).toBe(false);
    expect(r.retryAt).toBeUndefined();
    expect(r.error).toMatch(/^127\.0\.0\.1 is a loopback address; webhooks are delivered to public addresses only/);
    expect(hook.received.length).toBe(before);
  });
});

describe("submitting", () => {
  let fake: FakeOrchestrator;
  let t: TestBroadcaster;
  beforeAll(async () => {
    fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: MODEL }]);
    t = await startBroadcaster({ orchestrators: [fake.url] });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it.each([
    ["http://127.0.0.1:9/hook", "127.0.0.1 is a loopback address"],
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"],
    ["http://[::ffff:a00:1]/hook", "::ffff:a00:1 is a private address"],
    ["http://0x7f.1:9/hook", "127.0.0.1 is a loopback address"],
    ["https://localhost/hook", "localhost names the loopback addresses (127.0.0.1 is a loopback address)"],
  ])("refuses %s with a 422 that says why, and creates no job", async (url, why) => {
    const key = `hook-${Math.random()}`;
    const res = await submitAsync(t.url, JOB, { "webhook-url": url, "idempotency-key": key });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [
        {
          loc: ["header", "Webhook-Url"],
          msg: `${why}; webhooks are delivered to public addresses only, unless the gateway's operator allows a network with webhook-allow-networks`,
          type: "value_error",
        },
      ],
    });
    // The same key without the webhook makes a new job: nothing was kept of the refused one.
    const again = await submitAsync(t.url, JOB, { "idempotency-key": key });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
  });

  it("refuses port 0, where nothing can listen, with a 422", async () => {
    const res = await submitAsync(t.url, JOB, { "webhook-url": "https://hooks.example.com:0/avs" });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [
        {
          loc: ["header", "Webhook-Url"],
          msg: `Webhook-Url's port must be 1 to 65535, got 0 in "https://hooks.example.com:0/avs"`,
          type: "value_error",
        },
      ],
    });
  });

  it("refuses a Webhook-Url with bytes past ASCII, which were read as Latin-1 and sent elsewhere, with a 422", async () => {
    // The UTF-8 bytes of "ö", as a client such as curl sends them.
    const url = Buffer.from("https://hooks.example.com/ö").toString("latin1");
    const res = await submitAsync(t.url, JOB, { "webhook-url": url });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [
        {
          loc: ["header", "Webhook-Url"],
          msg: "Webhook-Url must be ASCII, got the byte 0xC3 at index 26: percent-encode the rest as UTF-8 (ö as %C3%B6)",
          type: "url_parsing",
        },
      ],
    });
    expect((await submitAsync(t.url, JOB, { "webhook-url": "https://hooks.example.com/%C3%B6" })).status).toBe(202);
  });

  it("accepts a public host name, checked when its events are sent", async () => {
    const res = await submitAsync(t.url, JOB, { "webhook-url": "https://hooks.example.com/avs" });
    expect(res.status).toBe(202);
  });
});
