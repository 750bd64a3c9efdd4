import { createHash, randomBytes } from 'node:crypto';

/** 128 random bits: two experiments never share an assignment by accident. */
export function newSeed(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Where a PSID falls in [0, 1) for an experiment: the first 48 bits of
 * SHA-256(seed ":" psid). A hash rather than a random draw so the same contact
 * always gets the same variant, on any machine, whoever re-runs the export;
 * SHA-256 so nothing about the PSID (they are sequential-looking numbers)
 * leaks into the position.
 */
export function assignmentPoint(seed: string, psid: string): number {
  const digest = createHash('sha256').update(`${seed}:${psid}`, 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Index of the variant whose cumulative share first exceeds the PSID's point. */
export function assignVariant(seed: string, psid: string, shares: readonly number[]): number {
  if (shares.length === 0) throw new RangeError('shares needs at least one variant');
  const total = shares.reduce((sum, share) => sum + share, 0);
  const point = assignmentPoint(seed, psid) * total;
  let cumulative = 0;
  for (let index = 0; index < shares.length; index++) {
    cumulative += shares[index] ?? 0;
    if (point < cumulative) return index;
  }
  // Rounding can leave the cumulative sum a hair below the total.
  return shares.length - 1;
}
