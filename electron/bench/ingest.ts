import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import restaurant from '../../resources/scenarios/restaurant.json';
import { benchIngest } from '../services/ingest/bench';
import { runSimulation } from '../services/simulator';

/**
 * `npm run bench -- ingest [--events N]`: the simulator writes a webhook archive of
 * about N events (default 1 000 000: the restaurant scenario scaled up), the real
 * importer brings it in, and the same rows are inserted again with bare prepared
 * statements — the ceiling. The ratio of the two rates, measured in the same run,
 * is the figure that counts (target ≥ 0.35).
 */
async function main(): Promise<void> {
  const arg = process.argv.indexOf('--events');
  const target = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
  if (!(target >= 10_000)) throw new Error('--events takes a number ≥ 10000');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-ingest-'));
  try {
    // The restaurant scenario gives ~32 events per contact over 180 days.
    const size = Math.max(500, Math.round(target / 32.1));
    const scenario = { ...restaurant, population: { ...restaurant.population, size }, faults: { badLineRate: 0 } };
    const archive = path.join(dir, 'simulated.ndjson');
    process.stderr.write(`simulating ${size} contacts over ${restaurant.days} days…\n`);
    const sim = await runSimulation(scenario, { archive, expectedRates: false });
    const events = sim.events.sent;
    const bytes = fs.statSync(archive).size;
    process.stderr.write(`archive: ${events} events, ${(bytes / 1e6).toFixed(0)} MB (${sim.durationMs} ms); importing…\n`);
    const r = await benchIngest({ events, dataDir: dir, archive: { path: archive, events, bytes }, log: (l) => process.stderr.write(`${l}\n`) });
    const rows = [
      ['importer (parse, validate, resolve receipts, write)', r.import.eventsPerSecond, r.import.seconds, r.import.cpuSeconds],
      ['ceiling (prepared INSERTs of the same rows)', r.ceiling.eventsPerSecond, r.ceiling.seconds, r.ceiling.cpuSeconds],
    ] as const;
    console.log(`\nIngest benchmark — ${r.events} simulated events, ${r.rows.messages} messages, ${r.rows.receiptEvents} receipt rows\n`);
    console.log(`${'run'.padEnd(54)}${'events/s'.padStart(12)}${'wall s'.padStart(10)}${'cpu s'.padStart(10)}`);
    for (const [name, rate, wall, cpu] of rows) console.log(`${name.padEnd(54)}${String(rate).padStart(12)}${wall.toFixed(2).padStart(10)}${cpu.toFixed(2).padStart(10)}`);
    console.log(`\nratio importer/ceiling: ${(r.ratio * 100).toFixed(1)} % wall, ${(r.cpuRatio * 100).toFixed(1)} % CPU (target ≥ 35 %)\n`);
    console.log(JSON.stringify({ bench: 'ingest', source: 'simulator', simulatedContacts: size, simulateMs: sim.durationMs, ...r }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`bench ingest failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
