import type { RandomSource } from '../../../shared/stats';

/** Number of conversions among `exposures` contacts converting independently with probability `rate`. */
export function drawConversions(random: RandomSource, exposures: number, rate: number): number {
  let conversions = 0;
  for (let i = 0; i < exposures; i++) if (random() < rate) conversions++;
  return conversions;
}
