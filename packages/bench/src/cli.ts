/** @module The `avs-bench` command. */
import pkg from "../package.json" with { type: "json" };
import { runBench } from "./bench.js";
import { parseBenchArgs, settingsHelp } from "./options.js";
import { formatReport } from "./report/format-report.js";
import { checkJsonFile, writeJsonFile } from "./report/json-file.js";
import { progressBar } from "./report/progress-bar.js";

const HELP = `avs-bench ${pkg.version} — benchmark a runner, an orchestrator or a broadcaster to set prices and capacity

Usage:
  avs-bench <url> [flags]                                      a server (kind detected, or --target)
  avs-bench --model-dir <dir> --pipeline <p> --model-id <id>   in-process, on an installed model
  avs-bench --help | --version

Examples:
  avs-bench http://127.0.0.1:8000 --runs 50 --concurrency 1,2,4
  avs-bench http://127.0.0.1:8935 --token $SECRET --pipeline upscale --model-id upscalerjs/esrgan-slim-x4
  avs-bench --model-dir ./models --pipeline upscale --model-id upscalerjs/esrgan-slim-x4 --json bench.json

Settings (flag / env var / key in the JSON file given by --settings or AVS_BENCH_SETTINGS; flag > env > file > default):
${settingsHelp()}

Numbers are written in decimal digits (timeout and cost-per-hour may have a fraction and an exponent: 0.5, 1e-3);
a sign, hex (0x10), spaces or an empty value are refused, as is anything outside a setting's range.
`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--version")) {
    console.log(pkg.version);
    return 0;
  }
  const options = parseBenchArgs(argv, process.env);
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  // Before the run: a report that cannot be written should not cost the whole benchmark first.
  if (options.json) checkJsonFile(options.json);
  const bar = progressBar(process.stderr);
  const report = await runBench(options, (p) => bar.update(`${p.phase} c=${p.concurrency}`, p.done, p.total));
  bar.done();
  console.log(formatReport(report));
  if (options.json) {
    await writeJsonFile(options.json, report);
    console.log(`\nwrote ${options.json}`);
  }
  return report.levels.every((l) => l.ok === l.runs) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`avs-bench: ${err.message}`);
    process.exit(2);
  },
);
