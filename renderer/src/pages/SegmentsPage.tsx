import { useMemo, useRef, useState } from 'react';
import type { SegmentRule } from '../../../shared/domain/segmentRule';
import { dashboardFormats } from '../components/dashboard/format';
import { useApiQuery } from '../components/dashboard/useApiQuery';
import { SegmentEditor, type EditorStart } from '../features/segments/SegmentEditor';
import { SegmentList } from '../features/segments/SegmentList';
import { StaticImport } from '../features/segments/StaticImport';
import '../features/segments/segments.css';
import { useErrorText, useT } from '../i18n/useT';
import { useCurrentWorkspace } from '../stores/appStore';

/** Segments: who to message — built from rules over contacts and their delivery behaviour, or imported as a list. */
export function SegmentsPage() {
  const t = useT();
  const workspace = useCurrentWorkspace();
  if (!workspace) {
    return (
      <section aria-labelledby="segments-title">
        <h1 id="segments-title">{t('segments.title')}</h1>
        <p className="empty-state">{t('segments.noWorkspace')}</p>
      </section>
    );
  }
  return <WorkspaceSegments key={workspace.id} workspace={workspace} />;
}

function WorkspaceSegments(props: { workspace: { id: number; locale: string; timeZone: string } }) {
  const t = useT();
  const errorText = useErrorText();
  const { workspace } = props;
  const f = useMemo(() => dashboardFormats(workspace.locale, workspace.timeZone), [workspace.locale, workspace.timeZone]);
  const list = useApiQuery('segments:list', { workspaceId: workspace.id });
  const fields = useApiQuery('segments:fields', { workspaceId: workspace.id });
  const [editing, setEditing] = useState<{ start: EditorStart; n: number } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const seq = useRef(0);

  const open = (start: EditorStart) => {
    seq.current += 1;
    setEditing({ start, n: seq.current });
    requestAnimationFrame(() => heading.current?.focus());
  };
  const back = () => {
    setEditing(null);
    list.reload();
    fields.reload();
    requestAnimationFrame(() => document.getElementById('segments-title')?.focus());
  };
  const error = list.error ?? fields.error;

  return (
    <section className="segments-page" aria-labelledby="segments-title" aria-busy={list.loading || fields.loading}>
      <h1 id="segments-title" tabIndex={-1}>
        {t('segments.title')}
      </h1>
      <p className="lead">{t('segments.intro')}</p>
      {error !== null && <p role="alert">{errorText(error).text}</p>}
      {(list.loading || fields.loading) && !editing && <p role="status">{t('app.loading')}</p>}
      {editing && fields.data && (
        <SegmentEditor
          key={editing.n}
          workspace={workspace}
          fields={fields.data}
          start={editing.start}
          f={f}
          headingRef={heading}
          onBack={back}
          onSaved={() => {
            list.reload();
          }}
        />
      )}
      {!editing && list.data && fields.data && (
        <>
          <SegmentList
            workspaceId={workspace.id}
            segments={list.data.segments}
            startingPoints={list.data.startingPoints}
            f={f}
            onOpen={(id) => open({ kind: 'saved', id })}
            onNew={(rule: SegmentRule | null, name: string) => open({ kind: 'new', rule, name })}
            onDeleted={() => {
              list.reload();
              fields.reload();
            }}
          />
          <StaticImport workspaceId={workspace.id} f={f} onImported={list.reload} onOpen={(id) => open({ kind: 'saved', id })} />
        </>
      )}
    </section>
  );
}
