/**
 * @module The setting of the job-store outage tests: per test, a schema of its own, a TCP proxy in front of the test
 * database (support/pg-proxy.ts) and a FAKE orchestrator; broadcasters whose job store is reached through that proxy;
 * and a cleanup whose every step is bounded, so the schemas are dropped even when a broadcaster does not stop.
 */
import { startBroadcaster, type TestBroadcaster } from "./broadcaster.js";
import { type FakeOrchestrator, startFakeOrchestrator } from "./fake-orchestrator.js";
import { type PgProxy, startPgProxy } from "./pg-proxy.js";
import { testSchema } from "./postgres.js";

/** The model the fake orchestrator offers for text-to-image. */
export const OUTAGE_MODEL = "tiny/sd";

/**
 * The fixtures of one test file, with broadcasters under the store time limit `limitMs` unless told otherwise.
 * @example const o = outageFixtures(1000); afterAll(o.cleanup, 120_000); const f = await o.fixture("cut");
 */
export function outageFixtures(limitMs: number) {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  return {
    /** Steps run (last first) by `cleanup`. */
    cleanups,
    async cleanup() {
      for (const c of cleanups.reverse()) {
        await Promise.race([Promise.resolve().then(c), new Promise((r) => setTimeout(r, 8000))]);
      }
    },
    /** A schema (`label`), a proxy to the database and a fake orchestrator. */
    async fixture(label: string) {
      const db = testSchema(label);
      cleanups.push(() => db.drop());
      const proxy = await startPgProxy();
      cleanups.push(() => proxy.close());
      const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: OUTAGE_MODEL }]);
      cleanups.push(() => fake.close());
      return { db, proxy, fake };
    },
    /** A broadcaster whose job store is `db`'s schema through `proxy`, once it has seen the orchestrator. */
    async gatewayVia(
      proxy: PgProxy,
      db: { schema: string },
      fake: FakeOrchestrator,
      options: Parameters<typeof startBroadcaster>[0] = {},
    ): Promise<TestBroadcaster> {
      const t = await startBroadcaster({
        orchestrators: [fake.url],
        jobsDb: proxy.url,
        jobsDbSchema: db.schema,
        jobsDbTimeoutMs: limitMs,
        ...options,
      });
      cleanups.push(() => t.close());
      for (let i = 0; i < 200 && (await fetch(`${t.url}/ready`)).status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return t;
    },
  };
}
