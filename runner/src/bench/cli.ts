/** @module `avs-runner bench` (filled in by the benchmark milestone). */

/** Runs the benchmark from command-line arguments. */
export async function benchMain(_args: string[]): Promise<void> {
  throw new Error("bench is not implemented yet");
}
