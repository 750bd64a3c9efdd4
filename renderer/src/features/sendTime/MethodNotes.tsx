import { useMemo } from 'react';
import type { SendTimeNote } from '../../../../shared/domain/sendTime';
import { fillNote, isSendTimeNoteKey, noteParamKind } from '../../../../shared/sendTime/notes';
import { dashboardFormats } from '../../components/dashboard/format';
import { catalogs } from '../../i18n';
import { useT } from '../../i18n/useT';
import { useApp } from '../../stores/appStore';

/**
 * Keyed notes as sentences in the UI's language, one for one with the API's English `sentences`. A note whose key
 * this build does not know (or a reply without notes) falls back to the API's English sentence.
 */
export function useNoteSentences(sentences: readonly string[], notes: readonly SendTimeNote[] | undefined, workspaceLocale: string, timeZone: string): string[] {
  const language = useApp((s) => s.language);
  // Numbers and dates follow the workspace's locale when it is in the UI's language, else the UI's language.
  const locale = workspaceLocale.toLowerCase().startsWith(language) ? workspaceLocale : language;
  return useMemo(() => {
    const f = dashboardFormats(locale, timeZone);
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
    const fixed1 = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const format = (name: string, value: string | number): string => {
      switch (noteParamKind(name, value)) {
        case 'text':
          return String(value);
        case 'instant':
          return f.dateTime(value as number);
        case 'hour':
          return f.hour(value as number);
        case 'fixed1':
          return fixed1.format(value as number);
        default:
          return number.format(value as number);
      }
    };
    // Notes stand in for the sentences one for one; anything else is shown as the API sent it.
    if (!notes || notes.length !== sentences.length) return [...sentences];
    return notes.map((n, i) => (isSendTimeNoteKey(n.key) ? fillNote(catalogs[language][n.key], n.params, format) : (sentences[i] as string)));
  }, [locale, timeZone, notes, sentences, language]);
}

/** The "Method and assumptions" section of a send-time result: the method's code name, then each note in the UI's language. */
export function MethodNotes(props: { method: string; assumptions: readonly string[]; notes?: readonly SendTimeNote[]; locale: string; timeZone: string }) {
  const t = useT();
  const sentences = useNoteSentences(props.assumptions, props.notes, props.locale, props.timeZone);
  return (
    <details className="sendtime-method">
      <summary>{t('sendtime.method.title')}</summary>
      <p>
        <code>{props.method}</code>
      </p>
      <ul>
        {sentences.map((a, i) => (
          <li key={i}>{a}</li>
        ))}
      </ul>
    </details>
  );
}
