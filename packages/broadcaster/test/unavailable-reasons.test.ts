/**
 * @module The one table of a store's unavailable reasons: every code, SQLSTATE class and client message that means
 * the store is unavailable has the public wording of its own entry (none is shadowed by an earlier one), and the
 * errors node-postgres, pg-pool and Node throw are worded as `/ready` and the 503s have always said.
 */
import { describe, expect, it } from "vitest";
import { publicReason, UNAVAILABLE_REASONS, unavailableReason } from "../src/async-jobs/availability.js";

const withCode = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

describe("UNAVAILABLE_REASONS", () => {
  it("gives every internal reason the public wording of its own entry", () => {
    const seen = new Set<string>();
    for (const entry of UNAVAILABLE_REASONS) {
      const errors = [
        ...(entry.codes ?? []).map((c) => withCode(c)),
        ...(entry.classes ?? []).map((c) => withCode(`${c}999`)),
        ...(entry.messages ?? []).map((m) => new Error(m)),
      ];
      expect(errors.length, entry.said).toBeGreaterThan(0);
      for (const err of errors) {
        expect([unavailableReason(err), publicReason(err)], err.message).toEqual([err.message, entry.said]);
      }
      expect(seen.has(entry.said), `${entry.said} is listed once`).toBe(false);
      seen.add(entry.said);
    }
  });

  it("words the errors the clients throw as before, and leaves other errors alone", () => {
    const cases: Array<[Error, string | undefined]> = [
      [new Error("Connection terminated due to connection timeout"), "timed out"],
      [new Error("Connection terminated unexpectedly"), "connection lost"],
      [new Error("Connection terminated"), "connection lost"],
      [new Error("timeout exceeded when trying to connect"), "timed out"],
      [new Error("Query read timeout"), "timed out"],
      [new Error("timeout expired"), "timed out"],
      [new Error("Client was closed and is not queryable"), "connection lost"],
      [new Error("Client has encountered a connection error and is not queryable"), "connection lost"],
      [new Error("Cannot use a pool after calling end on the pool"), "connection lost"],
      [withCode("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.5:5432"), "cannot connect"],
      [withCode("ETIMEDOUT"), "timed out"],
      [withCode("EPIPE"), "connection lost"],
      [withCode("08001"), "cannot connect"],
      [withCode("08006"), "connection lost"],
      [withCode("53300"), "the database is out of connections or resources"],
      [withCode("57014"), "timed out"],
      [withCode("57P01"), "connection lost"],
      [withCode("57P03"), "the database is restarting"],
      [Object.assign(new AggregateError([withCode("ECONNREFUSED")], ""), { code: "ECONNREFUSED" }), "cannot connect"],
      [withCode("23505", "duplicate key value violates unique constraint"), undefined],
      [withCode("42P01", 'relation "jobs" does not exist'), undefined],
      [withCode("5300"), undefined],
      [new Error("The operation was aborted due to timeout"), undefined],
    ];
    for (const [err, said] of cases) {
      expect(publicReason(err), err.message).toBe(said);
      expect(unavailableReason(err) !== undefined, err.message).toBe(said !== undefined);
    }
    expect(unavailableReason(cases[18]![0])).toBe("error ECONNREFUSED");
  });
});
