/**
 * The Standard Schema interface (https://standardschema.dev, `@standard-schema/spec` v1), copied
 * as types so that sse-machine has no dependency for it: zod, valibot, ArkType and every other
 * validator that implements it fit `parse` unchanged. Flat names instead of the spec's namespace;
 * the shapes are the spec's (a type test checks both ways against the package).
 *
 * @module
 */

/** A validator implementing Standard Schema v1 (`schema['~standard'].validate(value)`). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly '~standard': StandardSchemaV1Props<Input, Output>;
}

/** The properties behind `~standard`. */
export interface StandardSchemaV1Props<Input = unknown, Output = Input> {
  /** Always 1. */
  readonly version: 1;
  /** The library (`'zod'`, `'valibot'`, ...). */
  readonly vendor: string;
  /** Validate a value: the output, or the issues. May be asynchronous (sse-machine refuses that). */
  readonly validate: (
    value: unknown,
  ) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
  /** Phantom types for inference. */
  readonly types?: StandardSchemaV1Types<Input, Output> | undefined;
}

/** A validation result. */
export type StandardSchemaV1Result<Output> =
  | {
      /** The validated (and transformed) value. */
      readonly value: Output;
      /** Absent on success. */
      readonly issues?: undefined;
    }
  | {
      /** What failed. */
      readonly issues: ReadonlyArray<StandardSchemaV1Issue>;
    };

/** One problem a validator found. */
export interface StandardSchemaV1Issue {
  /** What is wrong, in words. */
  readonly message: string;
  /** Where: keys, or segments with a `key`. */
  readonly path?:
    | ReadonlyArray<
        | PropertyKey
        | {
            /** The key of this path segment. */
            readonly key: PropertyKey;
          }
      >
    | undefined;
}

/** The input and output types of a schema. */
export interface StandardSchemaV1Types<Input = unknown, Output = Input> {
  /** What the schema accepts. */
  readonly input: Input;
  /** What it produces. */
  readonly output: Output;
}

/** The output type of a schema. */
export type StandardSchemaV1Output<Schema extends StandardSchemaV1> = NonNullable<
  Schema['~standard']['types']
>['output'];
