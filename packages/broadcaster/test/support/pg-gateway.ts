/**
 * @module An in-process broadcaster on a PostgreSQL schema of its own in front of a FAKE orchestrator offering one
 * text-to-image model, with each piece's cleanup handed to the caller's list (run last first).
 */
import { startBroadcaster } from "./broadcaster.js";
import { startFakeOrchestrator } from "./fake-orchestrator.js";
import { PG_URL, testSchema } from "./postgres.js";

/** The model the fake offers. */
export const PG_GATEWAY_MODEL = "tiny/sd";

/**
 * Starts the fake and the broadcaster (`options` over the PostgreSQL ones) and pushes their cleanups onto `cleanups`.
 * @example const { t, fake, db } = await pgGateway("burst", cleanups, { jobsConcurrency: 2 });
 */
export async function pgGateway(
  label: string,
  cleanups: Array<() => Promise<unknown> | unknown>,
  options: Parameters<typeof startBroadcaster>[0] = {},
) {
  const db = testSchema(label);
  cleanups.push(() => db.drop());
  const fake = await startFakeOrchestrator([{ pipeline: "text-to-image", model_id: PG_GATEWAY_MODEL, capacity: 100 }]);
  cleanups.push(() => fake.close());
  const t = await startBroadcaster({ orchestrators: [fake.url], jobsDb: PG_URL, jobsDbSchema: db.schema, ...options });
  cleanups.push(() => t.close());
  return { db, fake, t };
}
