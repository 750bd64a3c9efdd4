/**
 * A small seeded pseudo-random generator, so bootstrap intervals and
 * simulations give the same numbers on every machine and every run
 * (Math.random cannot be seeded).
 */

/** Returns uniform draws in [0, 1). */
export type RandomSource = () => number;

/**
 * xoshiro128** (Blackman & Vigna 2018), its state filled by a splitmix-style
 * generator (golden-ratio increment, MurmurHash3 finaliser) so nearby seeds
 * (1, 2, 3…) still start from unrelated states. 32-bit output is plenty
 * for resampling indices and Bernoulli draws; it is not cryptographic.
 */
export function createRandom(seed: number): RandomSource {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let mix = Math.trunc(seed) >>> 0;
  const splitmix32 = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix32();
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform integer in [0, n). */
export function randomIndex(random: RandomSource, n: number): number {
  return Math.floor(random() * n);
}
