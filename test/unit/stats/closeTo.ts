import { expect } from 'vitest';

/** Asserts |actual − expected| ≤ tolerance·max(|expected|, tiny); for references spanning many orders of magnitude. */
export function expectRelativelyClose(actual: number | null | undefined, expected: number, tolerance: number): void {
  expect(actual).toBeTypeOf('number');
  const value = actual as number;
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  const relativeError = Math.abs(value - expected) / scale;
  expect(relativeError, `actual ${value} vs expected ${expected} (relative error ${relativeError})`).toBeLessThanOrEqual(tolerance);
}

/** Asserts |actual − expected| ≤ tolerance. */
export function expectAbsolutelyClose(actual: number | null | undefined, expected: number, tolerance: number): void {
  expect(actual).toBeTypeOf('number');
  const value = actual as number;
  expect(Math.abs(value - expected), `actual ${value} vs expected ${expected}`).toBeLessThanOrEqual(tolerance);
}
