import { describe, expect, it } from 'vitest';
import { runHelperTask, type FitHelper, type HelperTask } from '../../../shared/sendTime/helper';
import { fitSendTimeModel, type SendTimeModel } from '../../../shared/sendTime/model';
import { NOW, histories } from './fixtures';
import { planContacts } from '../../../electron/services/sendTime/plan';
import { buildSendPlan, type PlanContact } from '../../../shared/sendTime/plan';

/** A helper on this thread: tasks go through structuredClone, as they would through postMessage. */
function inThreadHelper(behaviour: 'works' | 'fails'): FitHelper & { tasks: HelperTask['kind'][] } {
  let pending: HelperTask | null = null;
  const tasks: HelperTask['kind'][] = [];
  return {
    tasks,
    shared: (length) => new Float64Array(new SharedArrayBuffer(8 * length)),
    post(task) {
      tasks.push(task.kind);
      pending = structuredClone(task);
    },
    wait() {
      if (behaviour === 'fails' || !pending) return false;
      runHelperTask(pending);
      pending = null;
      return true;
    },
  };
}

function sameModel(a: SendTimeModel, b: SendTimeModel): void {
  expect(a.presence).not.toBeNull();
  expect(b.presence?.weights).toEqual(a.presence?.weights);
  expect(b.presence?.rates).toEqual(a.presence?.rates);
  expect(b.presence?.logLikelihood).toBe(a.presence?.logLikelihood);
  expect(Array.from(b.lifts.values)).toEqual(Array.from(a.lifts.values));
  expect(b.liftExponent).toBe(a.liftExponent);
}

describe('fit helper (half of the EM sums and of the lifts on another thread)', () => {
  const data = histories();
  const alone = fitSendTimeModel(data, { horizonMinutes: 60, asOf: NOW });

  it('gives the same model, number for number, as a fit without one (H = 60 min: lifts by bin)', () => {
    const helper = inThreadHelper('works');
    const model = fitSendTimeModel(data, { horizonMinutes: 60, asOf: NOW, helper });
    sameModel(alone, model);
    // Every EM iteration and the lifts went through the helper.
    expect(helper.tasks.filter((k) => k === 'em').length).toBe(model.presence?.iterations);
    expect(helper.tasks.filter((k) => k === 'lifts').length).toBe(1);
  });

  it('and for H = 24 h (lifts by cell)', () => {
    const day = fitSendTimeModel(data, { horizonMinutes: 1440, asOf: NOW });
    const model = fitSendTimeModel(data, { horizonMinutes: 1440, asOf: NOW, helper: inThreadHelper('works') });
    expect(model.lifts.width).toBe(168);
    sameModel(day, model);
  });

  it('a helper that fails leaves the fit to do its half: still the same model', () => {
    const helper = inThreadHelper('fails');
    const model = fitSendTimeModel(data, { horizonMinutes: 60, asOf: NOW, helper });
    sameModel(alone, model);
  });

  it('the plan: intervals computed at the end, half by the helper, equal the ones asked contact by contact', () => {
    const ids = data.map((h) => h.contactId);
    const options = { start: NOW + 3_600_000, end: NOW + 4 * 3_600_000, horizonMinutes: 60, workspaceZone: 'Europe/Paris', usualHour: 12, perMinuteCap: 20 };
    const { contacts } = planContacts(alone, ids, new Map());
    const oneByOne: PlanContact[] = contacts.map(({ posterior: _unused, ...c }) => c);
    const reference = buildSendPlan(oneByOne, options);
    const helper = inThreadHelper('works');
    const batched = buildSendPlan(contacts, { ...options, helper });
    expect(helper.tasks).toEqual(['intervals']);
    expect(reference.sends.length).toBeGreaterThan(1000);
    expect(batched.sends).toEqual(reference.sends);
    expect(buildSendPlan(contacts, { ...options, helper: inThreadHelper('fails') }).sends).toEqual(reference.sends);
    expect(reference.sends.every((s) => s.low <= s.predicted && s.predicted <= s.high)).toBe(true);
  });
});
