import { describe, expect, it } from "vitest";
import { demoBanner, parseDemoArgs } from "./options.js";

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

describe("parseDemoArgs", () => {
  it("reads --orchestrators and AVS_DEMO_ORCHESTRATORS as decimal digits from 1 to 8, the flag first", () => {
    expect(parseDemoArgs([], {}).orchestrators).toBe(2);
    expect(parseDemoArgs([], { AVS_DEMO_ORCHESTRATORS: "3" }).orchestrators).toBe(3);
    expect(parseDemoArgs(["--orchestrators", "1"], { AVS_DEMO_ORCHESTRATORS: "3" }).orchestrators).toBe(1);
  });

  it.each(["0x2", " 2", "2e0", "2abc", "0", "9", "-1", "1.5"])("refuses %j, quoting it as given", (text) => {
    const quoted = JSON.stringify(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(() => parseDemoArgs(["--orchestrators", text], {})).toThrow(
      new RegExp(`^--orchestrators must be a whole number from 1 to 8, got ${quoted}$`),
    );
    expect(() => parseDemoArgs([], { AVS_DEMO_ORCHESTRATORS: text })).toThrow(/^AVS_DEMO_ORCHESTRATORS must be/);
  });

  it("takes an empty variable as unset, as `VAR= npm run demo` means", () => {
    const env = { AVS_DEMO_ORCHESTRATORS: "", AVS_DEMO_MODELS_DIR: "", AVS_DEMO_OUTPUT_DIR: "" };
    expect(parseDemoArgs([], env)).toMatchObject({ orchestrators: 2, modelsDir: "models", outputDir: "demo-output" });
  });
});
