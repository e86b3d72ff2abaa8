/**
 * @module What a module of routes gets to mount its routes on the broadcaster's app: the typed route mounter of
 * the gateway spec, the guards of job routes (API keys, rate limit), and everything the app is built from. The
 * app is the list of such modules, so a feature (e.g. async jobs) adds its routes as one more module.
 */
import type { TypedRouteMounter } from "@ai-video-subnet/server-kit";
import type { Hono, MiddlewareHandler } from "hono";
import type { operations } from "../../generated/gateway.js";
import type { AppContext } from "../app.js";

/** The parts of the app a route module mounts on. */
export interface RouteKit {
  app: Hono;
  /** Mounts a gateway spec operation by its id, with validation and the spec's types. */
  route: TypedRouteMounter<operations>;
  /** API key and rate limit checks: put them in front of every route that does work for a client. */
  guards: MiddlewareHandler[];
  ctx: AppContext;
}

/** A module of routes. */
export type RouteModule = (kit: RouteKit) => void;
