/**
 * The Messenger simulator: a seeded world of contacts, campaigns and platform
 * troubles that emits Messenger webhook bodies, with its ground truth.
 */
export { Simulation, createSimulation, type SimulatedDay, type SimulationCounters, type SimulationOptions } from './simulation';
export { runSimulation, loadScenarioFile, type RunSimulationOptions, type SimulationProgress, type SimulationSummary } from './run';
export { GroundTruthOracle, type ReachOptions, type ReachProbability, type SendTimeChoice } from './probability';
export { BehaviourModel, type MessageFate } from './behaviour';
export { generatePopulation, contactToJson, type Contact, type Population } from './population';
export { generateIncidents, Platform, type Incident } from './platform';
export { expandCampaigns, assignVariant, type CampaignOccurrence, type OccurrenceVariant } from './campaigns';
export { ArchiveEncoder, ArchiveWriter, writeArchive, type ArchiveEncoderOptions, type ArchiveSummary, type BadLine } from './archive';
export { WebhookSender, WebhookSendError, type SenderOptions, type SenderSummary } from './sender';
export { GroundTruthWriter, type GroundTruthFiles } from './groundTruthFiles';
export type { CampaignTruth, ExpectedRates, ObservedCounts, TruthMessage, VariantTruth } from './truth';
export {
  MidFactory,
  makeMid,
  signBody,
  type DeliveryEvent,
  type EchoEvent,
  type InboundEvent,
  type MessagingEvent,
  type ReadEvent,
  type WebhookBody,
  type WebhookDelivery,
  type WebhookEntry,
} from './webhook';
export { Rng, hash32, hashUnit } from './rng';
export { ZoneClock, ZoneClocks } from './zoneClock';
