import { describe, expect, it } from 'vitest';
import { catalogs, errorKey, translate } from '../../renderer/src/i18n';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n catalogs', () => {
  it('FR and EN have exactly the same keys', () => {
    const missingInFr = Object.keys(en).filter((k) => !(k in fr));
    const missingInEn = Object.keys(fr).filter((k) => !(k in en));
    expect(missingInFr, 'keys missing in fr.ts').toEqual([]);
    expect(missingInEn, 'keys missing in en.ts').toEqual([]);
  });

  it('no empty string, and the same placeholders in both languages', () => {
    for (const [lang, catalog] of Object.entries(catalogs)) {
      for (const [key, text] of Object.entries(catalog)) {
        expect(text.trim(), `${lang}:${key}`).not.toBe('');
        expect(placeholders(text), `${lang}:${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    }
  });

  it('French text uses French typography for quotes', () => {
    for (const [key, text] of Object.entries(fr)) if (text.includes('“')) throw new Error(`fr:${key} uses English quotes`);
  });

  it('every validation message the API sends has a translation', () => {
    for (const k of ['name.required', 'name.tooLong', 'name.taken', 'timeZone.invalid', 'locale.invalid', 'logo.format', 'logo.tooLarge', 'confirm.mismatch']) {
      expect(errorKey(k), k).not.toBeNull();
    }
  });

  it('fills placeholders', () => {
    expect(translate('fr', 'workspaces.created', { name: 'Bistro' })).toBe('Espace « Bistro » créé.');
    expect(translate('en', 'workspaces.created', { name: 'Shop' })).toBe('Workspace “Shop” created.');
  });
});
