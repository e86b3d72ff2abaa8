/**
 * Error answers over real sockets (test/scripted-server.ts): every shape the gateways and runners of this network
 * answer errors in gives the error its message, any other body still gives a clear one, and an error body is read
 * only up to ERROR_BODY_LIMIT, on every path that reads one.
 */
import { describe, expect, it } from "vitest";
import { flood, json, type Step, scriptedServers } from "../test/scripted-server.js";
import { createClient } from "./client.js";
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from "./errors.js";
import { ERROR_BODY_LIMIT } from "./internal/transport.js";

const serve = scriptedServers();
const ID = "job_AAAAAAAAAAAAAAAAAAAAAA";

/** Answers `status` with `body` as it is, of content type `type`. */
const text =
  (status: number, body: string, type: string): Step =>
  (_req, res) =>
    void res.writeHead(status, { "content-type": type }).end(body);

/** The error each step's answer makes of a text-to-image call (unseeded: sent once). */
async function errorsOf(...steps: Step[]): Promise<ApiError[]> {
  const server = await serve(...steps);
  const client = createClient({ baseUrl: server.url });
  const errors: ApiError[] = [];
  for (const _ of steps) errors.push(await client.textToImage({ prompt: "p" }).catch((e) => e));
  return errors;
}

describe("error shapes", () => {
  it("takes the message from go-livepeer's gateway, Livepeer's runner (FastAPI), our gateway and {error: text}", async () => {
    const issues = [
      { loc: ["body", "height"], msg: "Input should be a valid integer", type: "int_type" },
      { loc: ["body", "prompt"], msg: "Field required", type: "missing" },
    ];
    const errors = await errorsOf(
      json(500, { error: { message: "insufficient capacity" } }),
      json(503, { error: { message: "no orchestrators available" } }),
      json(400, { detail: { msg: "Height and width must be divisible by 8" } }),
      json(404, { detail: "Not Found" }),
      json(422, { detail: issues }),
      json(401, { error: "invalid API key" }),
    );
    expect(errors.map((e) => [e.constructor, e.message, e.detail])).toEqual([
      [
        InternalServerError,
        "[POST] /text-to-image: 500 Internal Server Error — insufficient capacity",
        { msg: "insufficient capacity" },
      ],
      [
        ServiceUnavailableError,
        "[POST] /text-to-image: 503 Service Unavailable — no orchestrators available",
        { msg: "no orchestrators available" },
      ],
      [
        BadRequestError,
        "[POST] /text-to-image: 400 Bad Request — Height and width must be divisible by 8",
        { msg: "Height and width must be divisible by 8" },
      ],
      [NotFoundError, "[POST] /text-to-image: 404 Not Found — Not Found", { msg: "Not Found" }],
      [
        ValidationError,
        "[POST] /text-to-image: 422 Unprocessable Entity — body.height: Input should be a valid integer; body.prompt: Field required",
        issues,
      ],
      [AuthenticationError, "[POST] /text-to-image: 401 Unauthorized — invalid API key", { msg: "invalid API key" }],
    ]);
    expect(errors.map((e) => e.detailMessage)).toEqual([
      "insufficient capacity",
      "no orchestrators available",
      "Height and width must be divisible by 8",
      "Not Found",
      "body.height: Input should be a valid integer; body.prompt: Field required",
      "invalid API key",
    ]);
    expect((errors[4] as ValidationError).issues).toEqual(issues);
  });

  it("quotes any other body, shortened: JSON of another shape, a proxy's page, text, broken issues", async () => {
    const page = `<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
    const errors = await errorsOf(
      json(400, { message: "model not found", code: 17 }),
      text(502, page, "text/html"),
      text(500, `{"detail": {"msg": "cut sho`, "application/json"),
      json(422, { detail: [null, 7, { loc: "body", msg: 1 }, { loc: "body", msg: "prompt is required" }] }),
      json(422, { detail: [{ loc: ["body"] }] }),
      json(400, { error: 7 }),
      text(500, "", "text/plain"),
    );
    expect(errors.map((e) => [e.constructor, e.message])).toEqual([
      [BadRequestError, '[POST] /text-to-image: 400 Bad Request — {"message":"model not found","code":17}'],
      [
        ApiError,
        "[POST] /text-to-image: 502 Bad Gateway — <html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html>",
      ],
      [InternalServerError, '[POST] /text-to-image: 500 Internal Server Error — {"detail": {"msg": "cut sho'],
      [ValidationError, "[POST] /text-to-image: 422 Unprocessable Entity — prompt is required"],
      [ValidationError, '[POST] /text-to-image: 422 Unprocessable Entity — {"detail":[{"loc":["body"]}]}'],
      [BadRequestError, '[POST] /text-to-image: 400 Bad Request — {"error":7}'],
      [InternalServerError, "[POST] /text-to-image: 500 Internal Server Error"],
    ]);
    expect((errors[3] as ValidationError).issues).toEqual([{ loc: "body", msg: "prompt is required" }]);
    expect((errors[4] as ValidationError).issues).toEqual([]);
    expect(errors.map((e) => e.detail)).toEqual([
      undefined,
      undefined,
      undefined,
      [{ loc: "body", msg: "prompt is required" }],
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("bounded reading", () => {
  const TOTAL = 64 * 1024 * 1024;

  it("reads at most ERROR_BODY_LIMIT bytes of an error body on every path, and lets the rest go unread", async () => {
    const sent: number[] = [];
    const server = await serve(flood(sent, Buffer.alloc(TOTAL, "x"), 500, "text/plain"));
    const client = createClient({ baseUrl: server.url, retries: 0 });
    const errors = [
      await client.textToImage({ prompt: "p" }).catch((e) => e),
      await client.download("/outputs/a.png").catch((e) => e),
      await client
        .job(ID)
        .refresh()
        .catch((e) => e),
      await client
        .job(ID)
        .wait()
        .catch((e) => e),
    ];
    for (const err of errors) {
      expect(err).toBeInstanceOf(InternalServerError);
      expect(err.body).toBe("x".repeat(ERROR_BODY_LIMIT));
      expect(err.message).toBe(`[${err.method}] ${err.path}: 500 Internal Server Error — ${"x".repeat(200)}…`);
    }
    expect(errors.map((e) => `${e.method} ${e.path}`)).toEqual([
      "POST /text-to-image",
      `GET ${server.url}/outputs/a.png`,
      `GET /jobs/${ID}`,
      `GET /jobs/${ID}/events`,
    ]);
    // The client closed each connection long before the 64 MiB were out (what is in flight fits the socket buffers).
    await expect.poll(() => sent.length).toBe(4);
    for (const n of sent) expect(n).toBeLessThan(TOTAL / 4);
  }, 20_000);
});
