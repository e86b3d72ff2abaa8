/**
 * @module camelCase option names ↔ the spec's snake_case field names, at the type level and at run time, so a field
 * added to the spec becomes an option without hand-written mapping.
 */

/** `num_inference_steps` → `numInferenceSteps`. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** `numInferenceSteps` → `num_inference_steps`. */
export type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Uppercase<Head> ? (Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`) : Head}${SnakeCase<Tail>}`
  : S;

/**
 * The snake_case field name for a camelCase option name.
 *
 * @example
 * toSnakeCase("numImagesPerPrompt"); // "num_images_per_prompt"
 */
export function toSnakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
