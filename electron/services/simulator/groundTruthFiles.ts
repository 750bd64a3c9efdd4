import fs from 'node:fs';
import path from 'node:path';
import { contactToJson } from './population';
import type { Simulation } from './simulation';
import type { TruthMessage } from './truth';

export interface GroundTruthFiles {
  dir: string;
  /** One TruthMessage per line, in the order their truth became final. */
  messages: string;
  /** One contact (true parameters) per line. */
  population: string;
  campaigns: string;
  incidents: string;
  scenario: string;
}

/**
 * Writes a run's ground truth next to its archive, streaming the messages as they
 * become final (memory stays flat however long the run).
 */
export class GroundTruthWriter {
  readonly files: GroundTruthFiles;
  private readonly stream: fs.WriteStream;
  private buffer: string[] = [];
  private failure: Error | null = null;

  /** `profiles`: also write each contact's weekday × hour session and attention profiles (about 2 KB a contact). */
  constructor(
    dir: string,
    private readonly options: { profiles?: boolean } = {},
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.files = {
      dir,
      messages: path.join(dir, 'messages.ndjson'),
      population: path.join(dir, 'population.ndjson'),
      campaigns: path.join(dir, 'campaigns.json'),
      incidents: path.join(dir, 'incidents.json'),
      scenario: path.join(dir, 'scenario.json'),
    };
    this.stream = fs.createWriteStream(this.files.messages, { encoding: 'utf8' });
    this.stream.on('error', (e) => {
      this.failure = e;
    });
  }

  /** Pass as the simulation's `onMessage`. */
  readonly onMessage = (m: TruthMessage): void => {
    this.buffer.push(`${JSON.stringify(m)}\n`);
  };

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }

  /** Finishes the messages file and writes the population, campaigns, incidents and scenario. */
  async close(sim: Simulation): Promise<GroundTruthFiles> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (this.failure) throw this.failure;
    const pop = fs.createWriteStream(this.files.population, { encoding: 'utf8' });
    for (const c of sim.population.contacts) {
      if (!pop.write(`${JSON.stringify(contactToJson(c, this.options.profiles ?? false))}\n`)) await new Promise<void>((resolve) => pop.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => pop.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await fs.promises.writeFile(this.files.campaigns, `${JSON.stringify(sim.campaigns(), null, 2)}\n`);
    await fs.promises.writeFile(this.files.incidents, `${JSON.stringify(sim.incidents, null, 2)}\n`);
    await fs.promises.writeFile(this.files.scenario, `${JSON.stringify(sim.scenario, null, 2)}\n`);
    return this.files;
  }
}
