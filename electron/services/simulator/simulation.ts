import { parseScenario, type Scenario } from '../../../shared/domain/scenario';
import { BehaviourModel } from './behaviour';
import { expandCampaigns, type CampaignOccurrence } from './campaigns';
import { Platform, generateIncidents, type Incident } from './platform';
import { generatePopulation, type Population } from './population';
import { GroundTruthOracle } from './probability';
import { WebhookTransport, type TransportCounters } from './transport';
import type { CampaignTruth, TruthMessage } from './truth';
import type { ModelEvent, WebhookDelivery } from './webhook';
import { World, type WorldCounters } from './world';
import { ZoneClocks, localDayStart } from './zoneClock';

export interface SimulationOptions {
  /** Called once per message when its truth is final (inbound at once; outbound when read or at the end). */
  onMessage?: (m: TruthMessage) => void;
  /** Compute campaign variants' expected rates from the model (default true). */
  expectedRates?: boolean;
}

/** The webhook bodies of one simulated day (Page's zone), in arrival order. */
export interface SimulatedDay {
  day: number;
  days: number;
  dayStart: number;
  dayEnd: number;
  deliveries: WebhookDelivery[];
  /** Set on the last day, once everything has been flushed. */
  last: boolean;
}

export interface SimulationCounters {
  world: WorldCounters;
  transport: TransportCounters;
}

/**
 * A seeded Messenger world for one Page. Population, incidents, campaigns and the
 * ground-truth oracle exist as soon as the simulation is created; the events come
 * from running it once, day by day, so memory does not grow with the number of days.
 */
export class Simulation {
  readonly scenario: Scenario;
  readonly population: Population;
  readonly incidents: readonly Incident[];
  readonly occurrences: readonly CampaignOccurrence[];
  readonly model: BehaviourModel;
  readonly oracle: GroundTruthOracle;
  /** Local midnight (Page's zone) of the first day, and of the day after the last. */
  readonly startAt: number;
  readonly endAt: number;
  private world: World | null = null;
  private transport: WebhookTransport | null = null;
  private started = false;

  constructor(
    scenario: Scenario,
    private readonly options: SimulationOptions = {},
  ) {
    this.scenario = scenario;
    const zone = scenario.page.timeZone;
    this.startAt = localDayStart(scenario.startDate, 0, zone);
    this.endAt = localDayStart(scenario.startDate, scenario.days, zone);
    this.population = generatePopulation(scenario);
    this.incidents = generateIncidents(scenario, this.startAt, this.endAt);
    this.occurrences = expandCampaigns(scenario);
    const clocks = new ZoneClocks();
    this.model = new BehaviourModel(scenario, this.population, new Platform(this.incidents, scenario), clocks);
    this.oracle = new GroundTruthOracle(this.model);
  }

  /** Runs the world; yields each day's bodies. A simulation runs once. */
  *days(): Generator<SimulatedDay> {
    if (this.started) throw new Error('This simulation has already run; create a new one to run it again.');
    this.started = true;
    const s = this.scenario;
    const world = new World(s, this.population, this.model, this.oracle, this.occurrences, this.startAt, this.endAt, {
      expectedRates: this.options.expectedRates ?? true,
      onMessage: this.options.onMessage,
    });
    const transport = new WebhookTransport(s, s.page.id);
    this.world = world;
    this.transport = transport;
    const push = (e: ModelEvent): void => transport.push(e);
    for (let day = 0; day < s.days; day++) {
      const dayStart = localDayStart(s.startDate, day, s.page.timeZone);
      const dayEnd = localDayStart(s.startDate, day + 1, s.page.timeZone);
      world.runUntil(dayEnd, push);
      const last = day === s.days - 1;
      if (last) {
        world.finish();
        transport.flush();
      } else transport.advance(dayEnd);
      yield { day, days: s.days, dayStart, dayEnd, deliveries: transport.drain(), last };
    }
  }

  /** Webhook bodies in arrival order, streamed. */
  async *bodies(): AsyncGenerator<WebhookDelivery> {
    for (const d of this.days()) {
      for (const b of d.deliveries) yield b;
    }
  }

  /** Synchronous variant of `bodies()`. */
  *bodiesSync(): Generator<WebhookDelivery> {
    for (const d of this.days()) yield* d.deliveries;
  }

  /** Ground truth of each campaign occurrence (complete once the run has finished). */
  campaigns(): CampaignTruth[] {
    return this.world ? this.world.campaigns() : [];
  }

  get counters(): SimulationCounters | null {
    return this.world && this.transport ? { world: this.world.counters, transport: this.transport.counters } : null;
  }
}

/** Parses (defaults applied) and builds a simulation. */
export function createSimulation(scenario: unknown, options: SimulationOptions = {}): Simulation {
  return new Simulation(parseScenario(scenario), options);
}
