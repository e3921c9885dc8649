/** One step of a variable path: a property name or an array index. */
export type PathSegment = string | number;

export interface TextPart {
  kind: 'text';
  text: string;
  /** Offset of this part in the template, for error positions. */
  start: number;
}

export interface VariablePart {
  kind: 'var';
  path: PathSegment[];
  /** The variable exactly as written, `#` included (used by onMissing: keep, and in messages). */
  written: string;
  start: number;
}

/** n8n only: a `{{ … }}` expression island, opaque to the `#` parser, evaluated by the host. */
export interface ExpressionPart {
  kind: 'expr';
  /** The island as written, braces included. */
  source: string;
  start: number;
}

export type TemplatePart = TextPart | VariablePart | ExpressionPart;

/** A template parsed once; rendering walks these parts and never parses a value again. */
export interface ParsedTemplate {
  source: string;
  parts: TemplatePart[];
  /** True when the template is exactly one variable or island (it may keep its value's type). */
  single: boolean;
  /** True when the template holds no variable and no island. */
  literal: boolean;
}

/** What a resolver found for a path. `secret` marks values that came from the secret keys. */
export type Resolution = { found: true; value: unknown; secret?: boolean } | { found: false };

/**
 * Each host implements this: it maps its own data (n8n items and steps; Node-RED msg, context, env)
 * onto `#` paths. `describe` lists what exists, for the unknown-variable message (secret names only).
 */
export interface VariableResolver {
  resolve(path: readonly PathSegment[]): Resolution;
  describe(path: readonly PathSegment[]): string;
  /** n8n: evaluates a `{{ }}` island. Hosts without expressions leave it out. */
  evaluate?(part: ExpressionPart): unknown;
}

export type OnMissing = 'error' | 'empty' | 'keep';
