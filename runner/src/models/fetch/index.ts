/** @module Fetching models from a Hugging Face-style server (`avs-runner models fetch`). */
export {
  arrangeLayout,
  identifyLayout,
  LayoutError,
  type LayoutIdentity,
  type LayoutPlan,
  planLayout,
} from "./detect-layout.js";
export { ChecksumError, type DownloadOptions, downloadFile, sha256File, TransferError } from "./download-file.js";
export { FETCH_HELP, fetchMain, fetchOptions } from "./fetch-cli.js";
export { type FetchedFile, type FetchModelOptions, type FetchResult, fetchModel } from "./fetch-model.js";
export {
  checkRepoId,
  HubError,
  type HubFile,
  type HubOptions,
  type HubRepo,
  hubRepoInfo,
  type ListingOptions,
  resolveUrl,
} from "./hub-api.js";
export { globMatcher, selectPaths } from "./include.js";
export { ListingError, parseListing, unverifiable } from "./listing.js";
export { type FetchProgress, formatBytes, jsonProgress, silentProgress, ttyProgress } from "./progress.js";
export { DEFAULT_RETRY, MAX_RETRY_AFTER_MS, type RetryPolicy, type RetryWait, retryableStatus } from "./retry.js";
export { parseHttpDate, parseRetryAfter } from "./retry-after.js";
export { DEFAULT_LIMITS, type TransferLimits, Watchdog } from "./watchdog.js";
