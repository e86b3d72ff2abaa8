/**
 * @module The asynchronous job routes (`GET /jobs/{id}`, its event stream, cancel), mounted when the broadcaster has
 * asynchronous jobs. Generate routes queue a job themselves when asked to (`Prefer: respond-async`, job-routes.ts).
 */
import { requireApiKey } from "../api-keys.js";
import type { RouteKit } from "./route-kit.js";

/**
 * Mounts the `jobs` routes behind the API key check (a job belongs to the key that made it).
 * @example asyncJobRoutes({ app, route, guards, ctx })
 */
export function asyncJobRoutes({ route, ctx }: RouteKit): void {
  ctx.jobs?.mount(route, requireApiKey(ctx.keys));
}
