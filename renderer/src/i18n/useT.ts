import { useCallback } from 'react';
import { ApiError } from '../../../shared/api/errors';
import { useApp } from '../stores/appStore';
import { errorKey, translate, type MessageKey } from './index';

export function useT() {
  const language = useApp((s) => s.language);
  return useCallback((key: MessageKey, vars?: Record<string, string | number>) => translate(language, key, vars), [language]);
}

/** Turns any failure into a sentence in the UI language, field errors keyed by path. */
export function useErrorText() {
  const t = useT();
  return useCallback(
    (e: unknown): { text: string; fields: Record<string, string> } => {
      const fields: Record<string, string> = {};
      if (e instanceof ApiError) {
        for (const issue of e.issues ?? []) {
          const key = errorKey(issue.message);
          fields[issue.path] = key ? t(key) : issue.message;
        }
        if (e.code === 'UNAUTHORIZED') return { text: t('error.unauthorized'), fields };
        if (e.code === 'STORAGE') return { text: t('error.storage', { message: e.message }), fields };
        const first = Object.values(fields)[0];
        return { text: first ?? t('error.generic', { message: e.message }), fields };
      }
      return { text: t('error.generic', { message: e instanceof Error ? e.message : String(e) }), fields };
    },
    [t],
  );
}
