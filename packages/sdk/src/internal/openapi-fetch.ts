/**
 * @module openapi-fetch's `createClient`, whichever way the bundle was loaded. Its CommonJS build exports the function
 * as `exports.default`; our CJS bundle imports it with Node's interop (where `default` is the whole `module.exports`),
 * so the function sits one `default` deeper there than in the ESM build.
 */
import * as openapiFetch from "openapi-fetch";

type CreateClient = typeof openapiFetch.default;
const imported = openapiFetch.default as CreateClient | { default: CreateClient };

/**
 * openapi-fetch's `createClient`.
 *
 * @example
 * const raw = createOpenApiClient<paths>({ baseUrl });
 */
export const createOpenApiClient: CreateClient = typeof imported === "function" ? imported : imported.default;
