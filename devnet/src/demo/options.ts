/** @module The demo's command line: `node devnet/dist/demo.js [--once] [--models-dir d] [--output-dir d] ...`. */

/** Settings of the demo. */
export interface DemoOptions {
  once: boolean;
  modelsDir: string;
  outputDir: string;
  orchestrators: number;
  fresh: boolean;
  help: boolean;
}

/** `--help` of the demo. */
export const DEMO_HELP = `npm run demo [-- flags]   brings up a local AI Video Subnet and sends one job per pipeline

Flags (env var in brackets):
  --once                 exit after the jobs: status 0 only if every job succeeded
  --models-dir <dir>     models volume, prepared with avs-runner models install (AVS_DEMO_MODELS_DIR; default ./models)
  --output-dir <dir>     results and logs (AVS_DEMO_OUTPUT_DIR; default ./demo-output)
  --orchestrators <n>    orchestrators to start, 1 to 8 (AVS_DEMO_ORCHESTRATORS; default 2)
  --fresh                reinstall the models even when they are installed
  --help                 this text
`;

/**
 * Parses the demo's flags (flag > env > default).
 * @example parseDemoArgs(["--once"], {}).once // true
 */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv): DemoOptions {
  // An empty variable counts as unset, as a shell's `VAR= npm run demo` means.
  const fromEnv = (name: string) => (env[name] === "" ? undefined : env[name]);
  const count = fromEnv("AVS_DEMO_ORCHESTRATORS");
  const o: DemoOptions = {
    once: false,
    fresh: false,
    help: false,
    modelsDir: fromEnv("AVS_DEMO_MODELS_DIR") ?? "models",
    outputDir: fromEnv("AVS_DEMO_OUTPUT_DIR") ?? "demo-output",
    orchestrators: count === undefined ? 2 : orchestratorCount(count, "AVS_DEMO_ORCHESTRATORS"),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value (see --help)`);
      return v;
    };
    if (arg === "--once") o.once = true;
    else if (arg === "--fresh") o.fresh = true;
    else if (arg === "--help" || arg === "-h") o.help = true;
    else if (arg === "--models-dir") o.modelsDir = value();
    else if (arg === "--output-dir") o.outputDir = value();
    else if (arg === "--orchestrators") o.orchestrators = orchestratorCount(value(), "--orchestrators");
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (see --help)`);
  }
  return o;
}

/**
 * The number of orchestrators `text` names: decimal digits only, 1 to 8 (`Number` also took `0x2`, ` 2` and `2e0`,
 * and quoted `2abc` as NaN).
 * @example orchestratorCount("3", "--orchestrators") // 3
 */
function orchestratorCount(text: string, from: string): number {
  if (/^[1-8]$/.test(text)) return Number(text);
  throw new Error(`${from} must be a whole number from 1 to 8, got ${JSON.stringify(text)}`);
}

/**
 * The demo's first line: what it brings up, with "orchestrator" in the singular for one.
 * @example demoBanner(1) // "AI Video Subnet demo — a broadcaster, 1 orchestrator and its runners, all on this machine"
 */
export function demoBanner(orchestrators: number): string {
  const what =
    orchestrators === 1 ? "1 orchestrator and its runners" : `${orchestrators} orchestrators and their runners`;
  return `AI Video Subnet demo — a broadcaster, ${what}, all on this machine`;
}
