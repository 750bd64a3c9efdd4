import type { AppContext } from './context';
import { evaluateAlerts } from './monitoring';

export const ALERT_INTERVAL_MS = 5 * 60_000;

/**
 * Evaluates the alert rules of one workspace (or all) and hands new alerts to
 * the desktop shell's notifications. Failures are logged, never thrown: an
 * alert check must not break the import that triggered it.
 */
export function checkAlerts(ctx: AppContext, workspaceId?: number, log: (m: string) => void = () => undefined): number {
  let opened = 0;
  const ids = workspaceId !== undefined ? [workspaceId] : ctx.workspaces.list().map((w) => w.id);
  for (const id of ids) {
    try {
      const result = evaluateAlerts(ctx.store.db, id);
      opened += result.opened.length;
      if (result.opened.length > 0 && ctx.desktop?.notify) {
        const ws = ctx.workspaces.get(id);
        const french = ws.locale.toLowerCase().startsWith('fr');
        ctx.desktop.notify(
          'Relais',
          french ? `${result.opened.length} nouvelle(s) alerte(s) dans « ${ws.name} »` : `${result.opened.length} new alert(s) in “${ws.name}”`,
        );
      }
    } catch (e) {
      log(`alert check failed for workspace ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return opened;
}

/** Re-checks every workspace on a timer while the app runs. */
export function startAlertTimer(ctx: AppContext, log?: (m: string) => void, intervalMs = ALERT_INTERVAL_MS): () => void {
  const timer = setInterval(() => checkAlerts(ctx, undefined, log), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
