import { openStore } from '../../../../electron/services/db/store';
import { importArchive } from '../../../../electron/services/ingest/importArchive';

// A separate process that imports an archive and says how far it got, for tests that kill it.
interface ChildArgs {
  dataDir: string;
  file: string;
  workspaceId: number;
  batchSize: number;
  now: number;
}

const args = JSON.parse(process.env.RELAIS_INGEST_CHILD ?? '{}') as ChildArgs;

void (async () => {
  const store = openStore({ dataDir: args.dataDir });
  const summary = await importArchive(
    store.db,
    { file: args.file, workspaceId: args.workspaceId, addPages: true, batchSize: args.batchSize, now: () => args.now },
    (p) => {
      if (p.phase === 'importing') process.stdout.write(`${JSON.stringify({ values: p.values, bytesRead: p.bytesRead })}\n`);
    },
  );
  store.close();
  process.stdout.write(`${JSON.stringify({ done: summary.status, resumedFrom: summary.resumedFrom })}\n`);
})();
