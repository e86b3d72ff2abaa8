/** @module What an installable model is: one entry of the catalog (`avs-runner models install <id>`). */

/** An installable model. */
export interface CatalogEntry {
  id: string;
  pipeline: string;
  tiny: boolean;
  description: string;
  /** Writes the model's files into `dir` (which exists) and returns where they came from. */
  install(dir: string): Promise<{ source: string; extra?: Record<string, unknown> }>;
}
