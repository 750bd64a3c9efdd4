import type { SendTimeNote, SendTimeNoteParams } from '../domain/sendTime';

/**
 * The send-time method notes ("assumptions"), keyed and parameterised so the UI can show them in its language.
 * These English templates are the single source of the English sentences: the API's `assumptions` are made from
 * them by `noteEnglish`, and the renderer's English catalog spreads them, so the two cannot drift.
 *
 * Parameters are typed by the end of their name (see `noteParamKind`): `…At` an instant (epoch ms),
 * `…Hour` an hour of day 0–23, `…Percent1` a percentage shown with one decimal, any other number a plain number.
 */
export const sendTimeNoteTemplatesEn = {
  'sendtime.note.model.seen': 'Seen within H means read_at − sent_at ≤ {horizon} min; messages sent less than H before {fittedAt} are pending and left out.',
  'sendtime.note.model.level': 'Level: each contact’s rate is a Beta posterior whose prior is fitted by the method of moments over contacts of its Page (30+ contacts with sends) or else of the workspace.',
  'sendtime.note.model.presenceEvents':
    'Presence: inbound messages the send schedule did not cause — a message written within {reply} min after a Page message was sent or read is a reply, and lines within 10 min of the previous one are one burst; Page messages sent within {conversation} min of an inbound one are conversation and do not count as sends.',
  'sendtime.note.model.presenceClasses':
    'Shape: {classes} presence classes (weekday/weekend × hour rates) fitted by EM ({iterations} iterations) on up to {fitContacts} contacts’ organic messages and on how long the Page’s messages waited to be read: a wait starts {freshMinutes} min after delivery (earlier reads are the notification’s doing) and ends at the read, or is cut at the next Page message, at {maxWaitHours} h, or when the history ends; the hours it lasted count against the hours it ends in, so reads piling up after the usual send time do not make those hours look busy. Reads made while the person was writing, and waits over {dropUnreadHours} h with no read (a message with no pull of its own), are left out.',
  'sendtime.note.model.presenceMix':
    'Each contact’s presence is its posterior mix of the classes at its own level of use (Gamma prior, integrated out): contact → class → audience. A send at minute m of an hour is judged over the next H minutes, so its chance blends that hour’s and the next hour’s.',
  'sendtime.note.model.lateUsed': 'Reads more than 60 min after delivery and deliveries more than 60 min after sending also count as presence.',
  'sendtime.note.model.lateNotUsed':
    'Late reads and late deliveries are not used as presence: a read after the first hour lands at the first session after the cut, so its hour is pushed towards the hours just after the usual send time.',
  'sendtime.note.model.rhythms':
    'Shape: {rhythms} audience rhythms (weekday/weekend × hour) fitted by EM on the presence events of up to {fitContacts} contacts; each contact’s profile is its posterior mix of them (contact → rhythm group → audience), so three evening messages are enough to be placed among evening people.',
  'sendtime.note.model.hourProfile':
    'Shape: the contact’s presence by local hour, pooled over weekdays and blended with the workspace’s hour-of-week profile (10 pseudo-events); fewer than {minContacts} contacts had presence events, too few to fit audience classes.',
  'sendtime.note.model.lift':
    'The lift moves a contact’s rate from the cells it was sent at to other cells on the odds scale, with exponent {exponent} chosen by likelihood on past sends (0 means the signals did not predict outcomes).',
  'sendtime.note.model.evidence':
    'A cell’s evidence is the prior strength, plus its own sends, plus half of the contact’s sends elsewhere (they inform it only through the lift); the interval is the 90 % Beta interval on that evidence.',
  'sendtime.note.model.buckets': 'Buckets are local weekday × hour in the contact’s zone, else the Page’s, else the workspace’s, across DST changes.',
  'sendtime.note.model.noHistory': 'Contacts with no history get their Page’s or the workspace’s rate and the audience’s profile.',

  'sendtime.note.heatmap.localZones': 'The audience spans several time zones: each contact’s cells are in its own local time (zone "local").',
  'sendtime.note.heatmap.group': 'Averaged over a group of {contacts} contacts (e.g. a segment’s members); each cell is in each contact’s own local time.',

  'sendtime.note.observed.success': 'Observed, not modelled: outbound messages sent in each weekday × hour cell, counted as a success when {what} ≤ {horizon} min.',
  'sendtime.note.observed.pending': 'Messages sent less than H before {fittedAt} are pending and left out.',
  'sendtime.note.observed.shrink':
    'Each cell is shrunk towards the overall rate ({overallPercent1} %) with {strength} pseudo-messages; the interval is the 90 % Beta interval, messages treated as independent.',
  'sendtime.note.observed.workspaceClock': 'Cells are weekday × hour in the workspace’s zone ({zone}).',
  'sendtime.note.observed.localClock': 'Cells are weekday × hour in each contact’s zone, else its Page’s, else the workspace’s.',
  'sendtime.note.observed.pastTimes': 'Sent times reflect when messages were sent in the past, not when they would have been best: cells nobody was sent at have little evidence.',

  'sendtime.note.plan.window': 'A send is allowed at T only if T is before last_inbound_at + 24 h; contacts with no such minute in the validity window are listed apart, never scheduled.',
  'sendtime.note.plan.placement':
    'Contacts with the fewest allowed minutes are placed first under the per-minute cap. A send at minute m of an hour is judged over the next H minutes, so its chance blends that hour and the next in proportion; the best minute of an hour is then its first or its last allowed one, and the free minute nearest that end is taken.',
  'sendtime.note.plan.exploration': 'Exploration: {percent} % of the other contacts (seeded hash) go at a random allowed minute, so hours the history never tried get evidence.',
  'sendtime.note.plan.holdout': 'Holdout: {percent} % of scheduled contacts (seeded hash of the PSID) go at the usual time, {usualHour} in {zone}, or the nearest allowed minute.',

  'sendtime.note.uplift.match':
    'Each plan row is matched to the first outbound message of the plan’s campaign to that contact; rows without one are counted as not sent and left out of the rates.',
  'sendtime.note.uplift.seen': 'Seen within H: read_at − sent_at ≤ {horizon} min; a message sent less than H ago and not seen yet is pending, in neither numerator nor denominator.',
  'sendtime.note.uplift.holdout':
    'The holdout was chosen by a seeded hash of the PSID before sending, independently of the prediction, and sent at the usual time: the difference estimates the plan’s effect on this audience.',
  'sendtime.note.uplift.interval': 'Contacts are independent and each counts once; the 95 % interval for the difference is Newcombe’s hybrid score interval built from the two Wilson intervals.',
  'sendtime.note.uplift.minimum': 'Below {minimum} resolved messages in either arm the status is “not enough data yet”.',

  'sendtime.note.upliftStatus.noHoldout': 'This plan has no holdout: there is nothing to compare the planned times with.',
  'sendtime.note.upliftStatus.nothingSynced': 'No message of this campaign has been synced for the plan’s contacts yet.',
  'sendtime.note.upliftStatus.notEnough':
    'Not enough data yet: {planned} planned and {holdout} holdout messages are resolved (at least {minimum} each are needed; {pending} still pending).',
  'sendtime.note.upliftStatus.ready': '{planned} planned and {holdout} holdout messages resolved.',
  'sendtime.note.upliftStatus.readyPending': '{planned} planned and {holdout} holdout messages resolved; {pending} still pending.',

  'sendtime.note.warning.sendCap':
    'Contacts left out by the per-minute cap: {capped}. A cap of {cap} a minute over the {minutes} minutes of the validity window holds at most {capacity} sends, and the allowed minutes of these contacts (inside their 24-hour window, outside quiet hours) were all full. Raise the cap or widen the window.',
  'sendtime.note.warning.unknownZones':
    'Contacts whose time zone does not exist ({zones}): {count}. Their Page’s zone (else the workspace’s) was used for their local hours and quiet hours.',
  'sendtime.note.warning.noInbound':
    'Contacts with no inbound message at all: {count}. No 24-hour window is open, so they cannot receive standard messages and are listed as left out.',
} as const;

export type SendTimeNoteKey = keyof typeof sendTimeNoteTemplatesEn;

export function isSendTimeNoteKey(key: string): key is SendTimeNoteKey {
  return Object.prototype.hasOwnProperty.call(sendTimeNoteTemplatesEn, key);
}

/** One note with its parameters; the key is checked at compile time. */
export function note(key: SendTimeNoteKey, params: SendTimeNoteParams = {}): SendTimeNote {
  return { key, params };
}

export type NoteParamKind = 'text' | 'instant' | 'hour' | 'fixed1' | 'number';

/** How a parameter is to be shown, from its value and the end of its name. */
export function noteParamKind(name: string, value: string | number): NoteParamKind {
  if (typeof value === 'string') return 'text';
  if (name.endsWith('At')) return 'instant';
  if (name.endsWith('Hour')) return 'hour';
  if (name.endsWith('Percent1')) return 'fixed1';
  return 'number';
}

function englishParam(name: string, value: string | number): string {
  switch (noteParamKind(name, value)) {
    case 'instant':
      return new Date(value).toISOString();
    case 'hour':
      return `${String(value).padStart(2, '0')}:00`;
    case 'fixed1':
      return (value as number).toFixed(1);
    default:
      return String(value);
  }
}

/** Fills `{name}` placeholders with `format(name, value)`; unknown names are left as they are. */
export function fillNote(template: string, params: SendTimeNoteParams, format: (name: string, value: string | number) => string): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : format(name, value);
  });
}

/** The English sentence of a note, as the API's `assumptions` carry it. */
export function noteEnglish(n: SendTimeNote): string {
  if (!isSendTimeNoteKey(n.key)) throw new Error(`Unknown send-time note ${n.key}.`);
  return fillNote(sendTimeNoteTemplatesEn[n.key], n.params, englishParam);
}

/** A plan's warnings as keyed notes and as the English sentences made from them, to spread into the plan. */
export function withWarnings(notes: SendTimeNote[]): { warnings: string[]; warningNotes: SendTimeNote[] } {
  return { warnings: notes.map(noteEnglish), warningNotes: notes };
}

/** Notes and the English sentences made from them, to spread into a result. */
export function withNotes(notes: SendTimeNote[]): { notes: SendTimeNote[]; assumptions: string[] } {
  return { notes, assumptions: notes.map(noteEnglish) };
}

export interface ModelNoteInputs {
  horizonMinutes: number;
  asOf: number;
  conversationMinutes: number;
  replyMinutes: number;
  presence: { classes: number; iterations: number; fitContacts: number; freshMinutes: number; maxWaitHours: number; dropUnreadHours: number } | null;
  lateSignals: boolean;
  rhythms: { count: number; fitContacts: number } | null;
  minContactsForRhythms: number;
  liftExponent: number;
}

/** The notes of a fitted send-time model (`fitSendTimeModel`). */
export function modelNotes(m: ModelNoteInputs): SendTimeNote[] {
  return [
    note('sendtime.note.model.seen', { horizon: m.horizonMinutes, fittedAt: m.asOf }),
    note('sendtime.note.model.level'),
    note('sendtime.note.model.presenceEvents', { reply: m.replyMinutes, conversation: m.conversationMinutes }),
    ...(m.presence
      ? [
          note('sendtime.note.model.presenceClasses', {
            classes: m.presence.classes,
            iterations: m.presence.iterations,
            fitContacts: m.presence.fitContacts,
            freshMinutes: m.presence.freshMinutes,
            maxWaitHours: m.presence.maxWaitHours,
            dropUnreadHours: m.presence.dropUnreadHours,
          }),
          note('sendtime.note.model.presenceMix'),
        ]
      : [
          note(m.lateSignals ? 'sendtime.note.model.lateUsed' : 'sendtime.note.model.lateNotUsed'),
          m.rhythms
            ? note('sendtime.note.model.rhythms', { rhythms: m.rhythms.count, fitContacts: m.rhythms.fitContacts })
            : note('sendtime.note.model.hourProfile', { minContacts: m.minContactsForRhythms }),
        ]),
    note('sendtime.note.model.lift', { exponent: m.liftExponent }),
    note('sendtime.note.model.evidence'),
    note('sendtime.note.model.buckets'),
    note('sendtime.note.model.noHistory'),
  ];
}

/** The planner's own notes (`buildSendPlan`), after the model's. */
export function planNotes(p: { explorationShare: number; holdoutShare: number; usualHour: number; workspaceZone: string }): SendTimeNote[] {
  return [
    note('sendtime.note.plan.window'),
    note('sendtime.note.plan.placement'),
    ...(p.explorationShare > 0 ? [note('sendtime.note.plan.exploration', { percent: Math.round(p.explorationShare * 100) })] : []),
    note('sendtime.note.plan.holdout', { percent: Math.round(p.holdoutShare * 100), usualHour: p.usualHour, zone: p.workspaceZone }),
  ];
}

/** The notes of a saved plan's planned-vs-holdout uplift. */
export function upliftNotes(p: { horizonMinutes: number; minPerArm: number }): SendTimeNote[] {
  return [
    note('sendtime.note.uplift.match'),
    note('sendtime.note.uplift.seen', { horizon: p.horizonMinutes }),
    note('sendtime.note.uplift.holdout'),
    note('sendtime.note.uplift.interval'),
    note('sendtime.note.uplift.minimum', { minimum: p.minPerArm }),
  ];
}
