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
  --orchestrators <n>    orchestrators to start (AVS_DEMO_ORCHESTRATORS; default 2)
  --fresh                reinstall the models even when they are installed
  --help                 this text
`;

/**
 * Parses the demo's flags (flag > env > default).
 * @example parseDemoArgs(["--once"], {}).once // true
 */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv): DemoOptions {
  const o: DemoOptions = {
    once: false,
    fresh: false,
    help: false,
    modelsDir: env.AVS_DEMO_MODELS_DIR ?? "models",
    outputDir: env.AVS_DEMO_OUTPUT_DIR ?? "demo-output",
    orchestrators: Number(env.AVS_DEMO_ORCHESTRATORS ?? 2),
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
    else if (arg === "--orchestrators") o.orchestrators = Number(value());
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (see --help)`);
  }
  if (!Number.isInteger(o.orchestrators) || o.orchestrators < 1 || o.orchestrators > 8) {
    throw new Error(`--orchestrators must be an integer from 1 to 8, got ${o.orchestrators}`);
  }
  return o;
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
