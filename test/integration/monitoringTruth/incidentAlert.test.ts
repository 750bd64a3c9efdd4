import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../electron/services/context';
import { importArchive } from '../../../electron/services/ingest/importArchive';
import { evaluateAlerts } from '../../../electron/services/monitoring';
import { runSimulation } from '../../../electron/services/simulator';
import { makeTempDir } from '../../support/tempDir';

// Issue 6's trust check: the platform-incident alert fires on a simulated world
// with an injected incident, and stays quiet on the same world without it.

const scenarioFile = path.join(process.cwd(), 'resources', 'scenarios', 'small-test.json');
const base = JSON.parse(fs.readFileSync(scenarioFile, 'utf8')) as Record<string, unknown> & { platform: Record<string, unknown> };
const incidentStart = Date.parse('2026-03-26T11:50:00+01:00');
const tmp = makeTempDir('relais-incident-');
afterAll(() => tmp.cleanup());

async function alertsAfter(name: string, platform: Record<string, unknown>) {
  const archive = path.join(tmp.dir, `${name}.ndjson`);
  await runSimulation({ ...base, platform: { ...base.platform, ...platform } }, { archive, expectedRates: false });
  const ctx = createContext({ dataDir: path.join(tmp.dir, name) });
  try {
    const ws = ctx.workspaces.create({ name, timeZone: 'Europe/Paris', locale: 'fr-FR' });
    await importArchive(ctx.store.db, { file: archive, workspaceId: ws.id, addPages: true });
    // Judged two hours after the incident began, as the app's timer would.
    const result = evaluateAlerts(ctx.store.db, ws.id, incidentStart + 2 * 3_600_000);
    return result.opened.map((a) => a.kind);
  } finally {
    ctx.store.close();
  }
}

describe('platform-incident alert on the simulator', () => {
  it('fires with an injected incident and not without it', async () => {
    const withIncident = await alertsAfter('with', { incidents: { perMonth: 0 }, incidentList: [{ start: '2026-03-26T11:50:00+01:00', minutes: 40 }] });
    const without = await alertsAfter('without', { incidents: { perMonth: 0 }, incidentList: [] });
    expect(withIncident).toContain('platform_incident');
    expect(without).not.toContain('platform_incident');
  }, 120_000);
});
