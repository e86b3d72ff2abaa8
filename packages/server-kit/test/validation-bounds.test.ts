/**
 * @module A 422 stays small however many ways a body fails: a field sent 20,000 times is one `duplicate` issue with
 * its count (the 1.36 MB body that got a 1.58 MB answer), and past 20 issues the rest are counted in one last
 * `too_many_errors` issue — in the `{detail:[{loc,msg,type}]}` shape of the specs' HTTPValidationError. And it quotes
 * what was sent: the text a form field or a parameter was read from (`99999999999999999` is read as 1e17, which the
 * client never sent), and a JSON number past 2^53, already rounded by JSON.parse, only as roughly what it was.
 */
import { describe, expect, it } from "vitest";
import { boundedIssues, MAX_LISTED_ISSUES, type ValidationIssue } from "../src/index.js";
import type { OpenApiDocument } from "../src/openapi.js";
import { validatorApp } from "./validator-app.js";

function route(path: string, operationId: string, mediaType: string, schema: object) {
  return {
    [path]: { post: { operationId, requestBody: { content: { [mediaType]: { schema } } }, responses: {} } },
  };
}

const SEED = { type: "integer", minimum: 0, maximum: 9007199254740991 };
const document = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: {
    ...route("/form", "form", "multipart/form-data", {
      type: "object",
      properties: { prompt: { type: "string" }, seed: SEED },
    }),
    ...route("/json", "json", "application/json", {
      type: "object",
      properties: { sizes: { type: "array", items: { type: "integer" } }, seed: SEED },
    }),
    "/query": {
      get: { operationId: "query", parameters: [{ name: "seed", in: "query", schema: SEED }], responses: {} },
    },
  },
} as unknown as OpenApiDocument;

function app(keepMultipart: boolean) {
  return validatorApp(document, ["form", "json", "query"], keepMultipart, () => ({ ok: true }));
}

describe("the size of a 422", () => {
  it.each([
    ["the platform's parser", false],
    ["keepMultipart", true],
  ])("answers a field sent 20,000 times with one issue that counts them (%s)", async (_, keep) => {
    const boundary = "b";
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n${"x".repeat(50)}\r\n`;
    const body = `${part.repeat(20_000)}--${boundary}\r\nContent-Disposition: form-data; name="seed"\r\n\r\n1\r\n--${boundary}--\r\n`;
    expect(body.length).toBeGreaterThan(1_300_000);
    const res = await (await app(keep)).request("/form", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      detail: [{ loc: ["body", "prompt"], msg: "prompt must be given once, got 20000 times", type: "duplicate" }],
    });
    expect(text.length).toBeLessThan(200);
  });

  it(`lists ${MAX_LISTED_ISSUES} issues and counts the rest in one more`, async () => {
    const res = await (await app(false)).request("/json", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sizes: Array.from({ length: 5000 }, (_, i) => `s${i}`) }),
    });
    expect(res.status).toBe(422);
    const { detail } = (await res.json()) as { detail: ValidationIssue[] };
    expect(detail).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(detail[0]).toEqual({
      loc: ["body", "sizes", 0],
      msg: '0 must be an integer, got "s0"',
      type: "int_type",
    });
    expect(detail[MAX_LISTED_ISSUES - 1]!.loc).toEqual(["body", "sizes", MAX_LISTED_ISSUES - 1]);
    expect(detail[MAX_LISTED_ISSUES]).toEqual({
      loc: ["body"],
      msg: `${5000 - MAX_LISTED_ISSUES} more issues not listed`,
      type: "too_many_errors",
    });
  });

  it("keeps an answer already bounded (a runner's, passed on) as it is", () => {
    const issue = (i: number): ValidationIssue => ({ loc: ["body", "a", i], msg: "bad", type: "int_type" });
    const issues = Array.from({ length: 30 }, (_, i) => issue(i));
    const once = boundedIssues(issues);
    expect(once.at(-1)).toEqual({ loc: ["body"], msg: "10 more issues not listed", type: "too_many_errors" });
    expect(boundedIssues(once)).toBe(once);
    expect(boundedIssues(issues.slice(0, 21)).at(-1)!.msg).toBe("1 more issue not listed");
    expect(boundedIssues(issues.slice(0, 20))).toHaveLength(20);
  });
});

const msg = async (res: Response) => {
  expect(res.status).toBe(422);
  return (await res.json()).detail.map((i: { msg: string }) => i.msg);
};

describe("the value a 422 quotes", () => {
  it.each([false, true])("quotes a form field's text as sent (keepMultipart: %s)", async (keep) => {
    const a = await app(keep);
    for (const [text, shown] of [
      ["99999999999999999", "99999999999999999"],
      [" 9007199254740993 ", "9007199254740993"],
      ["-0001", "-0001"],
      [`1${"0".repeat(60)}`, `1${"0".repeat(39)}…`],
    ]) {
      const form = new FormData();
      form.append("seed", text!);
      const bound = text!.trim().startsWith("-") ? "≥ 0" : "≤ 9007199254740991";
      expect(await msg(await a.request("/form", { method: "POST", body: form }))).toEqual([
        `seed must be ${bound}, got ${shown}`,
      ]);
    }
  });

  it("quotes a query parameter's text as sent", async () => {
    expect(await msg(await (await app(false)).request("/query?seed=99999999999999999"))).toEqual([
      "seed must be ≤ 9007199254740991, got 99999999999999999",
    ]);
  });

  it("gives a JSON number past 2^53 as roughly what it was, and one within it exactly", async () => {
    const post = async (text: string) =>
      msg(
        await (await app(false)).request("/json", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: `{"seed":${text}}`,
        }),
      );
    const rounded = "(a JSON number this large is rounded when read)";
    expect(await post("99999999999999999")).toEqual([`seed must be ≤ 9007199254740991, got about 1e+17 ${rounded}`]);
    expect(await post("123456789012345678")).toEqual([
      `seed must be ≤ 9007199254740991, got about 1.23457e+17 ${rounded}`,
    ]);
    expect(await post("-99999999999999999")).toEqual([`seed must be ≥ 0, got about -1e+17 ${rounded}`]);
    expect(await post("-1")).toEqual(["seed must be ≥ 0, got -1"]);
  });
});
