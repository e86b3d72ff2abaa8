/**
 * @module The request id each run of an asynchronous job sends upstream, which the orchestrator and the runner key
 * the run's progress by.
 */

/** The longest request id every layer keeps (server-kit's `requestId`: 1–128 visible ASCII characters). */
const MAX_REQUEST_ID = 128;

/**
 * The request id a run of a job sends upstream: the job's id for its first run, and `<job id>.run<n>` for run n
 * after a takeover or a hand-back (cut to keep it within 128 characters). The orchestrator and the runner key a job's
 * progress by request id. Not the caller's `X-Request-Id`: callers choose theirs, and two of them (another API key's
 * included) sending one id would have shared one progress channel there; a job id is the gateway's, 128 random bits.
 * A new id per run: the orchestrator keeps an ended job's progress for a while, and a later run on it under the same
 * id was followed as the run that had been cut off (its last step, then its end), and its own steps never showed.
 * @example runRequestId("job_4fZ0…", 1) // "job_4fZ0…"; runRequestId("job_4fZ0…", 2) // "job_4fZ0….run2"
 */
export function runRequestId(requestId: string, run: number): string {
  if (run <= 1) return requestId;
  const suffix = `.run${run}`;
  return requestId.slice(0, MAX_REQUEST_ID - suffix.length) + suffix;
}
