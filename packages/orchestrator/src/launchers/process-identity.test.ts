import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { liveProcess, processIdentity } from "./process-identity.js";

describe("processIdentity and liveProcess", () => {
  it("tell a running process from one that exited, whose pid may come back for another", async () => {
    const self = processIdentity(process.pid);
    expect(self).toMatch(new RegExp(`^[0-9a-f-]{36}/${process.pid}/\\d+$`));
    expect(liveProcess(self)).toBe(process.pid);
    const child = spawn("sleep", ["30"]);
    const identity = processIdentity(child.pid!);
    expect(liveProcess(identity)).toBe(child.pid);
    child.kill("SIGKILL");
    await once(child, "exit");
    expect(liveProcess(identity)).toBeUndefined();
    // The same pid started at another time, another boot, or nothing readable: not that process.
    const [boot, pid, start] = self!.split("/");
    expect(liveProcess(`${boot}/${pid}/${Number(start) + 1}`)).toBeUndefined();
    expect(liveProcess(`00000000-0000-0000-0000-000000000000/${pid}/${start}`)).toBeUndefined();
    for (const bad of [undefined, "", "x", "a/b/c", "a/-1/2"]) expect(liveProcess(bad)).toBeUndefined();
  });
});
