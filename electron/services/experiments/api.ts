import type { Database } from 'better-sqlite3';
import type { experimentsContract } from '../../../shared/api/contracts/experiments';
import type { AbAnalyzeInput, AbPlan, AbPlanInput, AbReading } from '../../../shared/domain/experiments';
import { DEFAULT_ALPHA, sampleSizePerVariant } from '../../../shared/stats';
import type { HandlersFor } from '../api/types';
import type { AppContext } from '../context';
import { withEngineErrors } from './engineErrors';
import { buildReading } from './reading';
import { experimentResults } from './results';
import { ExperimentService } from './service';

// One service per open database; it holds no state beyond the handle.
const services = new WeakMap<Database, ExperimentService>();

function serviceOf(ctx: AppContext): ExperimentService {
  let service = services.get(ctx.store.db);
  if (service === undefined) {
    service = new ExperimentService(ctx.store.db);
    services.set(ctx.store.db, service);
  }
  return service;
}

/** Numbers typed by hand come from a finished test run elsewhere: no plan, one look, fixed horizon. */
export function analyzeByHand(input: AbAnalyzeInput): AbReading {
  return withEngineErrors(() =>
    buildReading({
      variants: input.variants,
      control: input.control,
      alpha: input.alpha ?? DEFAULT_ALPHA,
      split: input.expectedSplit,
      stoppingRule: 'fixedHorizon',
      plannedPerVariant: input.plannedPerVariant ?? null,
      ended: false,
    }),
  );
}

export function planSampleSize(input: AbPlanInput): AbPlan {
  const plan = withEngineErrors(() => sampleSizePerVariant(input));
  return { perVariant: plan.perVariant, total: plan.total, alphaPerComparison: plan.alphaPerComparison };
}

export const experimentsHandlers: HandlersFor<typeof experimentsContract> = {
  'experiments:list': (input, ctx) => serviceOf(ctx).list(input.workspaceId),
  'experiments:campaigns': (input, ctx) => serviceOf(ctx).campaigns(input.workspaceId),
  'experiments:create': (input, ctx) => serviceOf(ctx).create(input),
  'experiments:get': (input, ctx) => serviceOf(ctx).get(input.id),
  'experiments:updatePlan': (input, ctx) => serviceOf(ctx).updatePlan(input),
  'experiments:lock': (input, ctx) => serviceOf(ctx).lock(input.id),
  'experiments:stop': (input, ctx) => serviceOf(ctx).stop(input.id),
  'experiments:results': (input, ctx) => experimentResults(ctx.store.db, serviceOf(ctx).get(input.id), Date.now()),
  'experiments:assignments': (input, ctx) => serviceOf(ctx).assignments(input),
  'ab:analyze': (input) => analyzeByHand(input),
  'ab:plan': (input) => planSampleSize(input),
};
