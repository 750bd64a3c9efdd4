import { z } from 'zod';
import { isValidLocale, isValidTimeZone } from '../time/zones';

export const WorkspaceId = z.number().int().positive();

export const WorkspaceName = z
  .string()
  .trim()
  .min(1, 'name.required')
  .max(80, 'name.tooLong');

export const TimeZone = z.string().refine(isValidTimeZone, 'timeZone.invalid');
export const Locale = z.string().refine(isValidLocale, 'locale.invalid');

export const Workspace = z.object({
  id: WorkspaceId,
  name: z.string(),
  timeZone: z.string(),
  locale: z.string(),
  hasLogo: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Workspace = z.infer<typeof Workspace>;

/** Locales offered in the workspace form; any BCP 47 tag is accepted by the API. */
export const suggestedLocales = ['fr-FR', 'fr-CA', 'fr-BE', 'fr-CH', 'en-US', 'en-CA', 'en-GB', 'en-AU'] as const;

export const UiLanguage = z.enum(['fr', 'en']);
export type UiLanguage = z.infer<typeof UiLanguage>;

/** Logos travel as data URLs so both shells handle them the same way (no file paths from the page). */
export const LOGO_MAX_BYTES = 512 * 1024;
export const LogoDataUrl = z
  .string()
  .regex(/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/, 'logo.format')
  .refine((s) => Math.floor(((s.length - s.indexOf(',') - 1) * 3) / 4) <= LOGO_MAX_BYTES, 'logo.tooLarge');
