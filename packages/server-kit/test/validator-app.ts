/**
 * @module A Hono app with `document`'s operations behind the request validator, for tests of what it reads.
 */
import { Hono } from "hono";
import { errorHandler, RequestValidator, silentLogger, typedRoutes } from "../src/index.js";
import type { OpenApiDocument } from "../src/openapi.js";

/**
 * Mounts each of `operationIds` with `handler`; with `keepMultipart`, uploads are read by the raw reader (they never
 * reach its spool directory in these tests).
 * @example const a = await validatorApp(document, ["form"], false, (body) => body)
 */
export async function validatorApp(
  document: OpenApiDocument,
  operationIds: string[],
  keepMultipart: boolean,
  handler: (body: unknown) => unknown,
): Promise<Hono> {
  const validator = await RequestValidator.create(
    document,
    keepMultipart ? { keepMultipart: { dir: "/nonexistent-never-spooled" } } : {},
  );
  const a = new Hono();
  a.onError(errorHandler(silentLogger));
  const mount = typedRoutes<Record<string, unknown>>(a, validator);
  for (const id of operationIds) mount(id, handler as never);
  return a;
}
