import type { UiLanguage } from '../../../shared/domain/workspace';
import { en, type MessageKey } from './en';
import { fr } from './fr';

export const catalogs: Record<UiLanguage, Record<MessageKey, string>> = { en, fr };
export type { MessageKey };

export function translate(lang: UiLanguage, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = catalogs[lang][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** Maps a validation key sent by the API (e.g. "name.taken") to a catalog key, if we have one. */
export function errorKey(apiMessage: string): MessageKey | null {
  const key = `error.${apiMessage}`;
  return isMessageKey(key) ? key : null;
}

export function guessLanguage(nav: string | undefined): UiLanguage {
  return nav?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** Formatting always goes through Intl in the workspace's locale and time zone. */
export function formatters(locale: string, timeZone: string) {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const bytes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 });
  return {
    dateTime: (ms: number) => dateTime.format(ms),
    number: (n: number) => number.format(n),
    percent: (x: number) => percent.format(x),
    kilobytes: (b: number) => bytes.format(b / 1024),
  };
}
