/**
 * @module Text a job store cannot keep, with real broadcasters on SQLite and on PostgreSQL in front of a FAKE
 * orchestrator: PostgreSQL holds no U+0000 (nor an unpaired surrogate in `jsonb`), and every write carrying one
 * fails. A caller's request with such text is a 422 on both stores (it was a 500 on PostgreSQL); an orchestrator's
 * error message, or a webhook receiver's answer, with a U+0000 is kept with U+FFFD (the job was run again at every
 * lease, forever, and the delivery sent again and again past `webhook-attempts`); an outcome the store refuses
 * outright ends the job failed rather than running it again.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storable, unstorableText } from "../src/async-jobs/storable-text.js";
import { type ApiJob, submitAsync, waitForJob } from "./support/async-jobs.js";
import { startBroadcaster, type TestBroadcaster, textToImage } from "./support/broadcaster.js";
import { type FakeOrchestrator, PNG_1X1, startFakeOrchestrator } from "./support/fake-orchestrator.js";
import { pgQuery, testSchema } from "./support/postgres.js";

const MODEL = "tiny/sd";
const JOB = { model_id: MODEL, prompt: "a lighthouse", width: 64, height: 64, num_inference_steps: 1 };
const db = testSchema("text");

let fake: FakeOrchestrator;
let sqlite: TestBroadcaster;
let pg: TestBroadcaster;

beforeAll(async () => {
  fake = await startFakeOrchestrator([
    { pipeline: "text-to-image", model_id: MODEL, capacity: 8 },
    { pipeline: "upscale", model_id: MODEL, capacity: 8 },
  ]);
  const common = { orchestrators: [fake.url], webhookAllowNetworks: ["127.0.0.1"] };
  sqlite = await startBroadcaster(common);
  pg = await startBroadcaster({
    ...common,
    jobsDb: db.url,
    jobsDbSchema: db.schema,
    outputs: { kind: "postgres" },
    // A job whose end is not recorded would run again 1.2 s later (and again, and again).
    jobsLeaseMs: 900,
    webhookAttempts: 2,
    webhookRetryBaseMs: 50,
  });
  for (const t of [sqlite, pg]) {
    for (let i = 0; i < 100; i++) {
      if ((await textToImage(t.url, JOB)).status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});

afterAll(async () => {
  await sqlite?.close();
  await pg?.close();
  await fake?.close();
  await db.drop();
});

const rowOf = async (id: string) =>
  (
    await pgQuery<{ status: string; runs: number }>(`SELECT status, runs FROM "${db.schema}".jobs WHERE id = $1`, [id])
  )[0];

describe("unstorableText and storable", () => {
  it("find U+0000 and unpaired surrogates anywhere, leave pairs alone, and replace them with U+FFFD", () => {
    expect(unstorableText("a\u0000b")).toBe("U+0000 at character 2");
    expect(unstorableText("ab\ud800")).toBe("an unpaired UTF-16 surrogate (U+D800) at character 3");
    expect(unstorableText("\udc00x")).toBe("an unpaired UTF-16 surrogate (U+DC00) at character 1");
    expect(unstorableText({ loras: ["ok", { "k\u0000": 1 }] })).toBe("U+0000 at character 2");
    expect(unstorableText("a lighthouse \ud83d\uddfc, 7 × 8")).toBeUndefined();
    expect(unstorableText({ steps: 3, on: true, none: null })).toBeUndefined();
    expect(storable({ msg: "bad a\u0000b\ud800", n: 1 })).toEqual({ msg: "bad a\ufffdb\ufffd", n: 1 });
    expect(storable([{ "k\u0000": "\udc00\ud83d\uddfc" }])).toEqual([{ "k\ufffd": "\ufffd\ud83d\uddfc" }]);
    const clean = { msg: "fine \ud83d\uddfc" };
    expect(storable(clean)).toBe(clean);
  });
});

describe("a request whose text the store cannot keep", () => {
  it.each([
    ["U+0000", "a\u0000b", "U+0000 at character 2"],
    ["an unpaired surrogate", "a\ud800b", "an unpaired UTF-16 surrogate (U+D800) at character 2"],
  ])("with %s is a 422 at its field on SQLite and PostgreSQL, and makes no job", async (_what, prompt, where) => {
    for (const t of [sqlite, pg]) {
      const before = t.logs.length;
      const res = await submitAsync(t.url, { ...JOB, prompt });
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({
        detail: [
          {
            loc: ["body", "prompt"],
            msg: `prompt has ${where}, which an asynchronous job does not accept; remove it (or send the request without Prefer: respond-async)`,
            type: "value_error",
          },
        ],
      });
      expect(t.logs.slice(before).filter((l) => l.level === "error")).toEqual([]);
    }
    const rows = await pgQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${db.schema}".jobs WHERE inputs::text LIKE '%a%b%'`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("in a file's name is a 422 at that field; a name with a surrogate pair is kept as it is", async () => {
    const send = (disposition: string) => {
      const head = `--X\r\nContent-Disposition: form-data; name="model_id"\r\n\r\n${MODEL}\r\n--X\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n\r\n--X\r\nContent-Disposition: form-data; name="image"; ${disposition}\r\nContent-Type: image/png\r\n\r\n`;
      const body = Buffer.concat([Buffer.from(head), PNG_1X1, Buffer.from("\r\n--X--\r\n")]);
      return fetch(`${pg.url}/upscale`, {
        method: "POST",
        headers: { prefer: "respond-async", "content-type": "multipart/form-data; boundary=X" },
        body,
      });
    };
    // RFC 5987's form is the one way to send a U+0000 in a file name.
    const bad = await send("filename*=UTF-8''photo%00.png");
    expect(bad.status).toBe(422);
    const issue = ((await bad.json()) as { detail: Array<{ loc: string[]; msg: string }> }).detail[0]!;
    expect(issue.loc).toEqual(["body", "image"]);
    expect(issue.msg).toMatch(/^image's file name or type has U\+0000 at character 6, which an asynchronous job/);
    const good = await send('filename="tower \ud83d\uddfc.png"');
    expect(good.status).toBe(202);
    const job = (await good.json()) as ApiJob;
    expect((await waitForJob(pg.url, job.id)).status).toBe("succeeded");
    expect(fake.bodies.at(-1)!.bytes.includes(Buffer.from('filename="tower \ud83d\uddfc.png"'))).toBe(true);
  });
});

describe("text from others that a PostgreSQL job keeps", () => {
  it("an orchestrator's error message with U+0000 ends the job once, with U+FFFD in its place", async () => {
    fake.behaviour = { kind: "status", status: 400, msg: "prompt a\u0000b is not allowed" };
    const calls = fake.jobs.length;
    const job = (await (await submitAsync(pg.url, JOB)).json()) as ApiJob;
    const done = await waitForJob(pg.url, job.id, { timeoutMs: 10_000 });
    fake.behaviour = { kind: "ok" };
    expect(done.status).toBe("failed");
    expect(done.error).toEqual({ status: 400, detail: { msg: "prompt a\ufffdb is not allowed" } });
    expect(await rowOf(job.id)).toEqual({ status: "failed", runs: 1 });
    expect(fake.jobs.length - calls).toBe(1);
  });

  it("a webhook receiver's answer with U+0000 is recorded, and the delivery ends after webhook-attempts", async () => {
    fake.behaviour = { kind: "ok" };
    let hits = 0;
    const receiver = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(500, { "content-type": "text/plain" }).end("not now\u0000");
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const job = (await (await submitAsync(pg.url, JOB, { "webhook-url": url })).json()) as ApiJob;
      await waitForJob(pg.url, job.id);
      const ended = await waitForJob(pg.url, job.id, {
        until: (j) => j.webhook!.deliveries.length === 2 && j.webhook!.deliveries.every((d) => d.status === "failed"),
      });
      expect(ended.webhook!.deliveries.map((d) => [d.event, d.attempts, d.last_status_code, d.last_error])).toEqual([
        ["job.running", 2, 500, "HTTP 500: not now\ufffd"],
        ["job.succeeded", 2, 500, "HTTP 500: not now\ufffd"],
      ]);
      // Two events, two attempts each, and no more.
      await new Promise((r) => setTimeout(r, 2000));
      expect(hits).toBe(4);
    } finally {
      receiver.close();
    }
  });

  it("an outcome the store refuses ends the job failed with a 500 that says so, and drops its outputs", async () => {
    fake.behaviour = { kind: "ok" };
    // A real refusal by PostgreSQL (as a constraint would): not an outage, so every run would end the same way.
    await pgQuery(`CREATE FUNCTION "${db.schema}".refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'succeeded' AND NEW.inputs->'fields'->>'prompt' = 'refuse me' THEN
          RAISE EXCEPTION 'refused by a test trigger';
        END IF;
        RETURN NEW;
      END $$`);
    await pgQuery(
      `CREATE TRIGGER refuse BEFORE UPDATE ON "${db.schema}".jobs FOR EACH ROW EXECUTE FUNCTION "${db.schema}".refuse()`,
    );
    const outputs = async () =>
      (await pgQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${db.schema}".outputs`))[0]!.n;
    const before = await outputs();
    const calls = fake.jobs.length;
    const job = (await (await submitAsync(pg.url, { ...JOB, prompt: "refuse me" })).json()) as ApiJob;
    const done = await waitForJob(pg.url, job.id, { timeoutMs: 10_000 });
    expect(done.status).toBe("failed");
    expect(done.error).toEqual({
      status: 500,
      detail: { msg: "internal error: the job store refused to record how the job ended (refused by a test trigger)" },
    });
    expect(await rowOf(job.id)).toEqual({ status: "failed", runs: 1 });
    expect(fake.jobs.length - calls).toBe(1);
    expect(await outputs()).toBe(before);
    expect(pg.logs.some((l) => l.msg === "the job store refused the job's outcome; the job ended failed instead")).toBe(
      true,
    );
  });
});
