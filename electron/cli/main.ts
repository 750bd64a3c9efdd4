import path from 'node:path';
import { startBrowserShell } from '../server/browserShell';
import { startAlertTimer } from '../services/alertWatch';
import { dispatch } from '../services/api/dispatch';
import { hasDisplay, openInBrowser } from '../server/openBrowser';
import { stopLocalReceiver } from '../services/receiver/localReceiver';
import { runCli } from './relais';

/** Entry of dist/electron/cli.cjs (the `relais` command). */
const rendererDir = path.join(__dirname, '..', 'renderer');

void runCli(process.argv.slice(2), {
  rendererDir,
  serveUi: async (ctx, { port, open, demoIfEmpty, io }) => {
    const shell = await startBrowserShell({
      ctx,
      rendererDir,
      port,
      log: { info: (m) => io.err(m), error: (m, d) => io.err(`${m}: ${d instanceof Error ? d.message : String(d)}`) },
    });
    io.err(`Relais (browser shell) — data folder: ${ctx.store.dataDir}`);
    if (demoIfEmpty && ctx.workspaces.list().length === 0) {
      // A first start opens on ready demo data: the demo builds in a worker while the page loads.
      const reply = await dispatch(ctx, 'demo:create', {});
      if (reply.ok) io.err('Empty data folder: building the demo workspaces in the background (about half a minute).');
    }
    const stopAlerts = startAlertTimer(ctx, (m) => io.err(`relais: ${m}`));
    io.out(shell.url);
    if (open && hasDisplay()) openInBrowser(shell.url);
    else if (open) io.err('No display found: open the address above in a browser on this machine.');
    io.err('Press Ctrl+C to stop.');
    const stop = () => {
      stopAlerts();
      void stopLocalReceiver(ctx)
        .catch(() => undefined)
        .then(() => shell.close())
        .then(() => {
          ctx.store.close();
          process.exit(0);
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
}).then((code) => {
  if (code !== 0) process.exitCode = code;
});
