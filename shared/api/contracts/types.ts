import type { z } from 'zod';

/** Every domain's contract module is a record of `domain:verb` → input/output schemas. */
export type ContractEntries = Record<`${string}:${string}`, { input: z.ZodType; output: z.ZodType }>;
