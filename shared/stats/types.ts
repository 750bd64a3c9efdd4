/** Shared shapes for the statistics engine. */

/** What one variant (or the control) saw: contacts exposed and contacts who converted on the primary metric. */
export interface VariantCounts {
  readonly exposures: number;
  readonly conversions: number;
}

/** A closed interval [low, high]. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * Every result says how it was computed, so the methodology note can show it.
 * `method` is a stable identifier (translate it in the UI); `assumptions` are
 * plain-English sentences for the note and for the CLI's JSON.
 */
export interface MethodNote {
  readonly method: string;
  readonly assumptions: readonly string[];
}

/** Throws a RangeError naming `field` unless `value` is a non-negative integer. */
export function assertCount(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${field} must be a non-negative integer, got ${value}`);
  }
}

/** Throws a RangeError naming the offending field unless the counts are consistent. */
export function assertVariantCounts(counts: VariantCounts, field: string): void {
  assertCount(counts.exposures, `${field}.exposures`);
  assertCount(counts.conversions, `${field}.conversions`);
  if (counts.conversions > counts.exposures) {
    throw new RangeError(
      `${field}.conversions (${counts.conversions}) cannot exceed ${field}.exposures (${counts.exposures})`,
    );
  }
}

/** Throws a RangeError naming `field` unless 0 < value < 1. */
export function assertOpenUnit(value: number, field: string): void {
  if (!(value > 0 && value < 1)) throw new RangeError(`${field} must be strictly between 0 and 1, got ${value}`);
}
