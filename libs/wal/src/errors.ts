export type WalErrorCode =
  /** a record failed its checksum where a crash cannot explain it; the log refuses to open */
  | 'WAL_CORRUPT'
  /** an fsync failed: the records of that batch are not acknowledged and the WAL is failed */
  | 'WAL_SYNC_FAILED'
  /** the disk is full: the batch is not acknowledged and the WAL is failed until reopened */
  | 'WAL_NO_SPACE'
  /** any other write error: the WAL is failed until reopened */
  | 'WAL_WRITE_FAILED'
  /** refused because an earlier I/O error failed the WAL (fsyncgate: never retry an fsync) */
  | 'WAL_FAILED'
  | 'WAL_CLOSED'
  | 'WAL_RECORD_TOO_LARGE'
  /** the index was removed by truncateBefore, or is otherwise outside the log */
  | 'WAL_INDEX_OUT_OF_RANGE';

export class WalError extends Error {
  constructor(
    readonly code: WalErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WalError';
  }
}

export class WalCorruptionError extends WalError {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super('WAL_CORRUPT', `WAL corrupt: ${file} at offset ${offset}: ${reason}`);
    this.name = 'WalCorruptionError';
  }
}
