import { describe, expect, it } from "vitest";
import { demoBanner } from "./options.js";

describe("demoBanner", () => {
  it("says orchestrator in the singular for one (AVS_DEMO_ORCHESTRATORS=1) and the plural for more", () => {
    expect(demoBanner(1)).toBe(
      "AI Video Subnet demo — a broadcaster, 1 orchestrator and its runners, all on this machine",
    );
    expect(demoBanner(2)).toBe(
      "AI Video Subnet demo — a broadcaster, 2 orchestrators and their runners, all on this machine",
    );
  });
});
