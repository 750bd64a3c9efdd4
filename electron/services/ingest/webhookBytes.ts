import type { MessagingEvent } from '../../../shared/domain/webhook';

/**
 * Reads the events of a plain webhook body straight from its bytes, for the import's hot
 * path: JSON.parse would build every object of the body (texts, attachments, app ids) only for
 * most of them to be thrown away.
 *
 * It is a fast path, not a second definition. It validates the whole value against the JSON
 * grammar and returns events only for bodies whose every field it understands and whose every
 * checked value is well-formed; anything else (a wrapper, escapes in a key, numeric ids, a
 * fraction in a timestamp, a wrong type, a Page mismatch…) returns null, and the caller goes
 * through JSON.parse and `parseWebhookBody`, which decides and explains. So it accepts a subset
 * of what that path accepts and returns the same events (a property test holds them together).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Thrown to leave the fast path; never escapes this module. */
const FALLBACK = Symbol('fallback');
const MAX_DEPTH = 64;

const isDigit = (c: number | undefined) => c !== undefined && c >= ZERO && c <= NINE;
const isHex = (c: number | undefined) => c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/** The member names the fast path reads; every other name is skipped (validated, not built). */
const enum Key {
  Other,
  Object,
  Entry,
  Raw,
  Id,
  Time,
  Messaging,
  Sender,
  Recipient,
  Timestamp,
  Message,
  Delivery,
  Read,
  Mid,
  IsEcho,
  Metadata,
  Watermark,
  Mids,
}

/**
 * Decoded strings by their bytes, for escaped values that repeat line after line (campaign
 * metadata is JSON inside a string): hashing the bytes and comparing them with the last ones
 * seen costs less than JSON.parse. Plain short strings are cheaper to decode than to look up.
 */
class RecurringStrings {
  private readonly entries = new Map<number, { bytes: Buffer; value: string }>();
  constructor(private readonly limit: number) {}

  get(buf: Buffer, start: number, end: number, escaped: boolean): string {
    let h = 0x811c9dc5;
    for (let k = start; k < end; k++) h = Math.imul(h ^ buf[k]!, 16777619);
    const hit = this.entries.get(h);
    if (hit !== undefined && hit.bytes.length === end - start) {
      const bytes = hit.bytes;
      let same = true;
      for (let k = 0; k < bytes.length; k++) {
        if (bytes[k] !== buf[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return hit.value;
    }
    const value = escaped ? (JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string) : buf.toString('utf8', start, end);
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(h, { bytes: Buffer.from(buf.subarray(start, end)), value });
    return value;
  }
}

const recurring = new RecurringStrings(10_000);

interface Message {
  mid: string | null;
  isEcho: boolean | null;
  metadata: string | null;
}

interface Delivery {
  watermark: number | null;
  mids: string[] | null;
}

class BodyReader {
  private i: number;
  /** Bounds of the last string token read: content start/end and whether it had escapes. */
  private strStart = 0;
  private strEnd = 0;
  private strEscaped = false;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.i = start;
  }

  private blank(): void {
    const buf = this.buf;
    let i = this.i;
    while (i < this.end) {
      const c = buf[i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  private peek(): number {
    this.blank();
    if (this.i >= this.end) throw FALLBACK;
    return this.buf[this.i]!;
  }

  private expect(c: number): void {
    if (this.peek() !== c) throw FALLBACK;
    this.i++;
  }

  /** Validates a string token; its bounds are left in strStart/strEnd/strEscaped. */
  private string(): void {
    if (this.peek() !== QUOTE) throw FALLBACK;
    const buf = this.buf;
    const end = this.end;
    let i = this.i + 1;
    const start = i;
    let escaped = false;
    for (;;) {
      if (i >= end) throw FALLBACK;
      const c = buf[i]!;
      if (c === QUOTE) break;
      if (c < 0x20) throw FALLBACK;
      if (c === BACKSLASH) {
        escaped = true;
        const e = buf[i + 1];
        if (e === 0x75) {
          if (!isHex(buf[i + 2]) || !isHex(buf[i + 3]) || !isHex(buf[i + 4]) || !isHex(buf[i + 5])) throw FALLBACK;
          i += 6;
        } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          i += 2;
        } else throw FALLBACK;
      } else i++;
    }
    this.strStart = start;
    this.strEnd = i;
    this.strEscaped = escaped;
    this.i = i + 1;
  }

  private stringValue(): string {
    this.string();
    if (!this.strEscaped) return this.buf.toString('utf8', this.strStart, this.strEnd);
    return JSON.parse(this.buf.toString('utf8', this.strStart - 1, this.strEnd + 1)) as string;
  }

  /** Opens an object; false when it is empty (and already closed). */
  private open(): boolean {
    this.expect(OPEN_BRACE);
    if (this.peek() !== CLOSE_BRACE) return true;
    this.i++;
    return false;
  }

  /** After a member: true when another follows, false at the closing brace. */
  private more(close: number): boolean {
    const d = this.peek();
    this.i++;
    if (d === COMMA) return true;
    if (d === close) return false;
    throw FALLBACK;
  }

  private nameIs(name: string): boolean {
    const buf = this.buf;
    const start = this.strStart;
    for (let k = 1; k < name.length; k++) if (buf[start + k] !== name.charCodeAt(k)) return false;
    return true;
  }

  /** Reads a member name (plain ASCII; names with escapes take the slow path) and its colon. */
  private key(): Key {
    this.string();
    if (this.strEscaped) throw FALLBACK;
    this.expect(COLON);
    const first = this.buf[this.strStart];
    // By length, then first byte, then the rest: a name costs a couple of comparisons.
    switch (this.strEnd - this.strStart) {
      case 2:
        return first === 0x69 && this.nameIs('id') ? Key.Id : Key.Other;
      case 3:
        if (first === 0x6d) return this.nameIs('mid') ? Key.Mid : Key.Other;
        return first === 0x72 && this.nameIs('raw') ? Key.Raw : Key.Other;
      case 4:
        if (first === 0x74) return this.nameIs('time') ? Key.Time : Key.Other;
        if (first === 0x72) return this.nameIs('read') ? Key.Read : Key.Other;
        return first === 0x6d && this.nameIs('mids') ? Key.Mids : Key.Other;
      case 5:
        return first === 0x65 && this.nameIs('entry') ? Key.Entry : Key.Other;
      case 6:
        if (first === 0x73) return this.nameIs('sender') ? Key.Sender : Key.Other;
        return first === 0x6f && this.nameIs('object') ? Key.Object : Key.Other;
      case 7:
        if (first === 0x6d) return this.nameIs('message') ? Key.Message : Key.Other;
        return first === 0x69 && this.nameIs('is_echo') ? Key.IsEcho : Key.Other;
      case 8:
        if (first === 0x64) return this.nameIs('delivery') ? Key.Delivery : Key.Other;
        return first === 0x6d && this.nameIs('metadata') ? Key.Metadata : Key.Other;
      case 9:
        if (first === 0x6d) return this.nameIs('messaging') ? Key.Messaging : Key.Other;
        if (first === 0x72) return this.nameIs('recipient') ? Key.Recipient : Key.Other;
        if (first === 0x74) return this.nameIs('timestamp') ? Key.Timestamp : Key.Other;
        return first === 0x77 && this.nameIs('watermark') ? Key.Watermark : Key.Other;
      default:
        return Key.Other;
    }
  }

  /** A JSON number token; returns its value when it is a plain non-negative integer, else NaN. */
  private number(): number {
    this.blank();
    const buf = this.buf;
    const end = this.end;
    let i = this.i;
    let c = buf[i]!;
    const negative = c === MINUS;
    if (negative) c = buf[++i]!;
    const intStart = i;
    let v = 0;
    if (c === ZERO) i++;
    else if (c > ZERO && c <= NINE) {
      while (i < end && c >= ZERO && c <= NINE) {
        v = v * 10 + (c - ZERO);
        c = buf[++i]!;
      }
    } else throw FALLBACK;
    const plain = !negative && i - intStart <= 15;
    let fraction = false;
    c = buf[i]!;
    if (c === 0x2e) {
      fraction = true;
      c = buf[++i]!;
      if (!(c >= ZERO && c <= NINE)) throw FALLBACK;
      while (i < end && c >= ZERO && c <= NINE) c = buf[++i]!;
    }
    if (c === 0x65 || c === 0x45) {
      fraction = true;
      c = buf[++i]!;
      if (c === 0x2b || c === MINUS) c = buf[++i]!;
      if (!(c >= ZERO && c <= NINE)) throw FALLBACK;
      while (i < end && c >= ZERO && c <= NINE) c = buf[++i]!;
    }
    if (i > end) throw FALLBACK;
    this.i = i;
    return plain && !fraction ? v : NaN;
  }

  private literal(word: string): void {
    if (this.i + word.length > this.end) throw FALLBACK;
    const buf = this.buf;
    for (let k = 0; k < word.length; k++) if (buf[this.i + k] !== word.charCodeAt(k)) throw FALLBACK;
    this.i += word.length;
  }

  /** Validates any value without building it. */
  private skip(depth: number): void {
    if (depth > MAX_DEPTH) throw FALLBACK;
    const c = this.peek();
    if (c === QUOTE) this.string();
    else if (c === OPEN_BRACE) {
      if (!this.open()) return;
      do {
        this.string();
        this.expect(COLON);
        this.skip(depth + 1);
      } while (this.more(CLOSE_BRACE));
    } else if (c === OPEN_BRACKET) {
      this.i++;
      if (this.peek() === CLOSE_BRACKET) {
        this.i++;
        return;
      }
      do this.skip(depth + 1);
      while (this.more(CLOSE_BRACKET));
    } else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else this.number();
  }

  /** Opens an array; false when it is empty (and already closed). */
  private openArray(): boolean {
    this.expect(OPEN_BRACKET);
    if (this.peek() !== CLOSE_BRACKET) return true;
    this.i++;
    return false;
  }

  /** A webhook time: a plain integer of 13 digits. */
  private ms(): number {
    const v = this.number();
    if (!(v >= 1e12 && v < 1e13)) throw FALLBACK;
    return v;
  }

  /** A string of 1..max characters (numeric ids take the slow path, which converts them). */
  private id(max: number): string {
    if (this.peek() !== QUOTE) throw FALLBACK;
    const s = this.stringValue();
    if (s.length < 1 || s.length > max) throw FALLBACK;
    return s;
  }


  private party(): string {
    let id: string | null = null;
    if (this.open()) {
      do {
        if (this.key() === Key.Id) id = this.id(128);
        else this.skip(4);
      } while (this.more(CLOSE_BRACE));
    }
    if (id === null) throw FALLBACK;
    return id;
  }

  private message(): Message {
    const m: Message = { mid: null, isEcho: null, metadata: null };
    if (this.open()) {
      do {
        switch (this.key()) {
          case Key.Mid:
            m.mid = this.id(512);
            break;
          case Key.IsEcho: {
            const c = this.peek();
            if (c === 0x74) {
              this.literal('true');
              m.isEcho = true;
            } else if (c === 0x66) {
              this.literal('false');
              m.isEcho = false;
            } else throw FALLBACK;
            break;
          }
          case Key.Metadata:
            if (this.peek() !== QUOTE) throw FALLBACK;
            this.string();
            m.metadata = recurring.get(this.buf, this.strStart, this.strEnd, this.strEscaped);
            break;
          default:
            this.skip(5);
        }
      } while (this.more(CLOSE_BRACE));
    }
    if (m.mid === null) throw FALLBACK;
    return m;
  }

  private delivery(): Delivery {
    const d: Delivery = { watermark: null, mids: null };
    if (this.open()) {
      do {
        const k = this.key();
        if (k === Key.Watermark) d.watermark = this.ms();
        else if (k === Key.Mids) {
          const mids: string[] = [];
          if (this.openArray()) {
            do mids.push(this.id(512));
            while (this.more(CLOSE_BRACKET));
          }
          d.mids = mids;
        } else this.skip(5);
      } while (this.more(CLOSE_BRACE));
    }
    return d;
  }

  private readWatermark(): number {
    let w: number | null = null;
    if (this.open()) {
      do {
        if (this.key() === Key.Watermark) w = this.ms();
        else this.skip(5);
      } while (this.more(CLOSE_BRACE));
    }
    if (w === null) throw FALLBACK;
    return w;
  }

  private event(pageId: string, entryTime: number, out: MessagingEvent[]): void {
    let sender: string | null = null;
    let recipient: string | null = null;
    let timestamp: number | null = null;
    let message: Message | null = null;
    let delivery: Delivery | null = null;
    let readWatermark: number | null = null;
    let other: string | null = null;
    if (this.open()) {
      do {
        switch (this.key()) {
          case Key.Sender:
            sender = this.party();
            break;
          case Key.Recipient:
            recipient = this.party();
            break;
          case Key.Timestamp:
            timestamp = this.ms();
            break;
          case Key.Message:
            message = this.message();
            break;
          case Key.Delivery:
            delivery = this.delivery();
            break;
          case Key.Read:
            readWatermark = this.readWatermark();
            break;
          default:
            // Named after its first other key, as the slow path does; integer-like keys would
            // sort first there, so leave those to it.
            if (isDigit(this.buf[this.strStart])) throw FALLBACK;
            other ??= this.buf.toString('latin1', this.strStart, this.strEnd);
            this.skip(4);
        }
      } while (this.more(CLOSE_BRACE));
    }
    if (sender === null || recipient === null) throw FALLBACK;
    if (message !== null) {
      if (timestamp === null) throw FALLBACK;
      if (message.isEcho === true) {
        if (sender !== pageId) throw FALLBACK;
        out.push({ kind: 'echo', pageId, psid: recipient, mid: message.mid!, sentAt: timestamp, metadata: message.metadata });
        return;
      }
      if (recipient !== pageId) throw FALLBACK;
      out.push({ kind: 'inbound', pageId, psid: sender, mid: message.mid!, sentAt: timestamp });
      return;
    }
    if (delivery !== null || readWatermark !== null) {
      if (recipient !== pageId) throw FALLBACK;
      const time = timestamp ?? entryTime;
      if (delivery !== null) {
        const mids = delivery.mids ?? [];
        if (delivery.watermark === null && mids.length === 0) throw FALLBACK;
        out.push({ kind: 'delivery', pageId, psid: sender, time, watermark: delivery.watermark, mids, receivedAt: entryTime });
        return;
      }
      out.push({ kind: 'read', pageId, psid: sender, time, watermark: readWatermark!, receivedAt: entryTime });
      return;
    }
    out.push({ kind: 'ignored', pageId, type: other ?? 'unknown' });
  }

  /** The events of `messaging`, read at the current position. */
  private events(pageId: string, entryTime: number, out: MessagingEvent[]): void {
    if (!this.openArray()) return;
    do this.event(pageId, entryTime, out);
    while (this.more(CLOSE_BRACKET));
  }

  private entry(out: MessagingEvent[]): void {
    let id: string | null = null;
    let time: number | null = null;
    // Events need the entry's id and time. When they come first (as Meta sends them) events are
    // read in the same pass; otherwise in a second one. Duplicate names resolve as in JSON.parse.
    let messagingAt = -1;
    let readWithId: string | null = null;
    let readWithTime = 0;
    const first = out.length;
    if (this.open()) {
      do {
        switch (this.key()) {
          case Key.Id:
            id = this.id(128);
            break;
          case Key.Time:
            time = this.ms();
            break;
          case Key.Messaging:
            if (this.peek() !== OPEN_BRACKET) throw FALLBACK;
            out.length = first;
            if (id !== null && time !== null) {
              this.events(id, time, out);
              readWithId = id;
              readWithTime = time;
              messagingAt = -1;
            } else {
              messagingAt = this.i;
              readWithId = null;
              this.skip(2);
            }
            break;
          default:
            this.skip(2);
        }
      } while (this.more(CLOSE_BRACE));
    }
    if (id === null || time === null) throw FALLBACK;
    if (readWithId !== null && (readWithId !== id || readWithTime !== time)) throw FALLBACK;
    if (messagingAt < 0) return;
    const resume = this.i;
    this.i = messagingAt;
    this.events(id, time, out);
    this.i = resume;
  }

  body(): MessagingEvent[] {
    let object: string | null = null;
    let events: MessagingEvent[] | null = null;
    if (this.open()) {
      do {
        switch (this.key()) {
          case Key.Object:
            if (this.peek() !== QUOTE) throw FALLBACK;
            object = this.stringValue();
            break;
          case Key.Entry: {
            const read: MessagingEvent[] = [];
            if (this.openArray()) {
              do this.entry(read);
              while (this.more(CLOSE_BRACKET));
            }
            events = read;
            break;
          }
          case Key.Raw:
            throw FALLBACK;
          default:
            this.skip(1);
        }
      } while (this.more(CLOSE_BRACE));
    }
    this.blank();
    if (this.i !== this.end || object !== 'page' || events === null) throw FALLBACK;
    return events;
  }
}

/** The events of a plain page webhook body, or null when the slow path must decide. */
export function webhookEventsFromBytes(buf: Buffer, start: number, end: number): MessagingEvent[] | null {
  try {
    return new BodyReader(buf, start, end).body();
  } catch (e) {
    if (e === FALLBACK || e instanceof SyntaxError) return null;
    throw e;
  }
}
