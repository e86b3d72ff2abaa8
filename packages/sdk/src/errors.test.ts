import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  apiError,
  BadRequestError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  parseRetryAfter,
  RateLimitError,
  SdkError,
  ServiceUnavailableError,
  TimeoutError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "./errors.js";

const target = { method: "POST", path: "/image-to-image" };

describe("apiError", () => {
  it("formats `[METHOD] path: status text — detail` and keeps status, detail and request id", () => {
    const err = apiError({
      ...target,
      status: 400,
      statusText: "Bad Request",
      headers: new Headers({ "x-request-id": "req-42" }),
      body: { detail: { msg: "height must be a multiple of 8, got 500" } },
    });
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(SdkError);
    expect(err.name).toBe("BadRequestError");
    expect(err.message).toBe("[POST] /image-to-image: 400 Bad Request — height must be a multiple of 8, got 500");
    expect(err.status).toBe(400);
    expect(err.detail).toEqual({ msg: "height must be a multiple of 8, got 500" });
    expect(err.detailMessage).toBe("height must be a multiple of 8, got 500");
    expect(err.requestId).toBe("req-42");
  });

  it("makes a ValidationError of a 422 that lists every issue with its location", () => {
    const issues = [
      { loc: ["body", "height"], msg: "Input should be a valid integer", type: "int_type" },
      { loc: ["body", "prompt"], msg: "Field required", type: "missing" },
    ];
    const err = apiError({ ...target, status: 422, headers: new Headers(), body: { detail: issues } });
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual(issues);
    expect(err.message).toBe(
      "[POST] /image-to-image: 422 Unprocessable Entity — body.height: Input should be a valid integer; body.prompt: Field required",
    );
  });

  it("picks the subclass by status and falls back to ApiError", () => {
    const make = (status: number) => apiError({ ...target, status, headers: new Headers(), body: "" });
    expect(make(401)).toBeInstanceOf(AuthenticationError);
    expect(make(429)).toBeInstanceOf(RateLimitError);
    expect(make(503)).toBeInstanceOf(ServiceUnavailableError);
    expect(make(500)).toBeInstanceOf(InternalServerError);
    expect(make(404)).toBeInstanceOf(NotFoundError);
    expect(make(413)).toBeInstanceOf(PayloadTooLargeError);
    expect(make(415)).toBeInstanceOf(UnsupportedMediaTypeError);
    const e502 = make(502);
    expect(e502.constructor).toBe(ApiError);
    expect(e502.message).toBe("[POST] /image-to-image: 502 Bad Gateway");
  });

  it("quotes a non-JSON body (e.g. a proxy's page), shortened, and counts attempts", () => {
    const err = apiError({
      ...target,
      status: 504,
      headers: new Headers({ "retry-after": "3" }),
      body: `<html>\n  ${"x".repeat(300)}</html>`,
      attempts: 3,
    });
    expect(err.message).toMatch(/^\[POST\] \/image-to-image: 504 Gateway Timeout — <html> x{193}… \(3 attempts\)$/);
    expect(err.retryAfterMs).toBe(3000);
    expect(err.attempts).toBe(3);
  });
});

describe("network errors", () => {
  it("ConnectionError names the cause and its code", () => {
    const cause = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    const err = new ConnectionError({ method: "GET", path: "/health" }, { cause });
    expect(err.message).toBe("[GET] /health: connection failed — fetch failed (ECONNREFUSED)");
    expect(err.cause).toBe(cause);
  });

  it("TimeoutError says after how long", () => {
    const err = new TimeoutError(target, 1500, { attempts: 2 });
    expect(err.message).toBe("[POST] /image-to-image: timed out after 1500 ms (2 attempts)");
    expect(err.timeoutMs).toBe(1500);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates, and ignores garbage", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
