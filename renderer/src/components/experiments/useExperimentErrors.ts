import { useCallback } from 'react';
import { ApiError } from '../../../../shared/api/errors';
import { isMessageKey } from '../../i18n';
import { useErrorText, useT } from '../../i18n/useT';

/**
 * Like useErrorText, for the experiments API whose validation messages are
 * `experiments.error.*` catalog keys; field errors are keyed by dotted path
 * ("variants.1.conversions").
 */
export function useExperimentErrors() {
  const t = useT();
  const generic = useErrorText();
  return useCallback(
    (e: unknown): { text: string; fields: Record<string, string> } => {
      if (!(e instanceof ApiError) || !e.issues?.some((issue) => isMessageKey(issue.message))) return generic(e);
      const fields: Record<string, string> = {};
      for (const issue of e.issues) {
        const text = isMessageKey(issue.message) ? t(issue.message) : issue.message;
        fields[issue.path] ??= text;
      }
      return { text: Object.values(fields).join(' '), fields };
    },
    [t, generic],
  );
}

/** Saves text as a file through a temporary blob link: works in both shells, no file path ever reaches the page. */
export function downloadFile(fileName: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
