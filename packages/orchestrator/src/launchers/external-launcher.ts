/**
 * @module The `external` launcher: a runner someone else runs (any server speaking the runner API, e.g. a
 * Livepeer ai-runner), reached by URL and bearer token. Nothing is started or stopped; health is still watched.
 */
import type { Launcher, RunnerExit, RunnerHandle } from "./launcher.js";

/**
 * Hands out the configured URL of an external runner.
 * @example const handle = await new ExternalLauncher("http://gpu-box:8000", "token").start();
 */
export class ExternalLauncher implements Launcher {
  readonly kind = "external";
  readonly #url: string;
  readonly #token: string;

  constructor(url: string, token = "") {
    this.#url = url;
    this.#token = token;
  }

  async start(): Promise<RunnerHandle> {
    return {
      url: this.#url,
      token: this.#token,
      exited: new Promise<RunnerExit>(() => {}),
      stop: async () => {},
    };
  }
}
