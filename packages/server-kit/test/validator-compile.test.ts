/**
 * @module When the validator compiles a spec's schemas: an operation's on first use, so a server pays only for the
 * routes it mounts (a runner mounts one pipeline's of the six in its spec); a body type it cannot read is still
 * refused when the validator is made.
 */
import { describe, expect, it } from "vitest";
import { RequestValidator } from "../src/index.js";
import type { OpenApiDocument } from "../src/openapi.js";

function spec(schemas: Record<string, { mediaType?: string; schema: object }>): OpenApiDocument {
  const paths = Object.fromEntries(
    Object.entries(schemas).map(([id, { mediaType = "application/json", schema }]) => [
      `/${id}`,
      { post: { operationId: id, requestBody: { content: { [mediaType]: { schema } } }, responses: {} } },
    ]),
  );
  return { openapi: "3.1.0", info: { title: "t", version: "1" }, paths } as unknown as OpenApiDocument;
}

describe("RequestValidator", () => {
  // ajv throws on an unresolvable $ref when it compiles the schema, and only then.
  const broken = { type: "object", properties: { a: { $ref: "#/nowhere" } } };
  const good = { type: "object", properties: { n: { type: "integer" } } };

  it("compiles an operation's schemas when it is first asked for, and once", async () => {
    const validator = await RequestValidator.create(spec({ good: { schema: good }, broken: { schema: broken } }));
    const op = validator.operation("good");
    expect(op).toMatchObject({ method: "POST", path: "/good", honoPath: "/good" });
    expect(validator.operation("good")).toBe(op);
    expect(() => validator.operation("broken")).toThrow(/nowhere/);
    expect(() => validator.operation("missing")).toThrow("the spec has no operation missing");
  });

  it("refuses a body type it cannot read when it is made, not at the first request", async () => {
    await expect(
      RequestValidator.create(spec({ xml: { mediaType: "application/xml", schema: good } })),
    ).rejects.toThrow("xml: unsupported request content type application/xml");
  });
});
