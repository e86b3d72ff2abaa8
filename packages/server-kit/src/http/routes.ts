/**
 * @module Typed route mounting: a handler's input and JSON response types come from the generated
 * `operations` type of a spec, and its route, method and validation come from the same spec at run time.
 */
import type { Context, Env, Hono, MiddlewareHandler } from "hono";
import { type RequestValidator, validated } from "../validator/index.js";

/** The request body type of an operation (`undefined` when it takes none). */
export type RequestBodyOf<Op> = Op extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : Op extends { requestBody?: { content: infer C } }
    ? C[keyof C] | undefined
    : undefined;

/** The 200 JSON body of an operation; `Response` for operations whose 200 is not JSON (files, text, HTML). */
export type SuccessBodyOf<Op> = Op extends { responses: { 200: { content: { "application/json": infer R } } } }
  ? R
  : Response;

/** A handler of one operation: gets the validated body, returns the spec's 200 body. */
export type OperationHandler<Op> = (
  body: RequestBodyOf<Op>,
  c: Context,
) => SuccessBodyOf<Op> | Response | Promise<SuccessBodyOf<Op> | Response>;

/** Mounts handlers by `operationId`; see {@link typedRoutes}. */
export type TypedRouteMounter<Ops> = <Id extends keyof Ops & string>(
  operationId: Id,
  handler: OperationHandler<Ops[Id]>,
  ...before: MiddlewareHandler[]
) => void;

/**
 * Returns a function that mounts an operation of the spec on `app` by its `operationId`: the spec gives the
 * method, path and validation, the generated `operations` type gives the handler's input and output types.
 * Middleware in `before` runs ahead of validation (auth, rate limits), so rejected requests are never parsed.
 * @example
 * const route = typedRoutes<operations>(app, validator);
 * route("genUpscale", async (body) => ({ images: [await upscale(body.image)] }));
 */
export function typedRoutes<Ops, E extends Env = Env>(
  app: Hono<E>,
  validator: RequestValidator,
): TypedRouteMounter<Ops> {
  return (operationId, handler, ...before) => {
    const op = validator.operation(operationId);
    const run: MiddlewareHandler = async (c) => {
      const result = await handler(validated(c).body as never, c);
      return result instanceof Response ? result : c.json(result as object, 200);
    };
    app.on(op.method, [op.honoPath], ...([...before, ...op.middleware, run] as [MiddlewareHandler]));
  };
}
