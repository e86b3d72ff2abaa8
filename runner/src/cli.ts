/** @module The `avs-runner` command. */
console.log("avs-runner: not implemented yet");
process.exitCode = 1;
