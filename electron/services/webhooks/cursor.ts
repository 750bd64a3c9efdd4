/** Where a reader stands in a spool: after `offset` bytes of segment `seq` of store `storeId`. */
export interface SpoolPosition {
  storeId: string;
  seq: number;
  offset: number;
}

export class SpoolCursorError extends Error {
  readonly code = 'BAD_CURSOR';
  constructor(message: string) {
    super(message);
    this.name = 'SpoolCursorError';
  }
}

const VERSION = '1';
const DECODED = /^1:([0-9a-f]{16}):(\d{1,12}):(\d{1,15})$/;

/**
 * Cursors are opaque to clients (base64url) so the encoding can change without a
 * protocol change; the store id inside lets a store that was wiped and recreated
 * refuse cursors that would otherwise point at unrelated bytes.
 */
export function encodeCursor(pos: SpoolPosition): string {
  return Buffer.from(`${VERSION}:${pos.storeId}:${pos.seq}:${pos.offset}`, 'utf8').toString('base64url');
}

/** Null for "from the beginning" (absent or empty); throws SpoolCursorError when malformed. */
export function decodeCursor(cursor: string | null | undefined): SpoolPosition | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new SpoolCursorError('The cursor is not one this server issued (malformed).');
  const match = DECODED.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new SpoolCursorError('The cursor is not one this server issued (malformed).');
  return { storeId: match[1]!, seq: Number(match[2]), offset: Number(match[3]) };
}
