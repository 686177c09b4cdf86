// The WAL reaches the disk only through this interface, so tests can inject faults and a later
// implementation can move writes and fsyncs to a dedicated worker thread (the WAL must not queue
// behind checkpoint or RocksDB work in libuv's shared threadpool).

export type OpenMode =
  /** existing file, read only */
  | 'read'
  /** existing file, read and write */
  | 'write'
  /** new file (fails if it exists), read and write */
  | 'create';

export interface WalFile {
  /** Writes at `position`; may write fewer bytes than asked (returns how many). */
  write(source: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Reads at `position`; returns bytes read (fewer at end of file). */
  read(target: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** fdatasync: data and the size are durable when this resolves. */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface FileLayer {
  open(path: string, mode: OpenMode): Promise<WalFile>;
  /** Names (not paths) of the entries of `dir`. */
  list(dir: string): Promise<string[]>;
  unlink(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdirp(dir: string): Promise<void>;
  /** Makes creations, renames and deletions in `dir` durable. */
  syncDir(dir: string): Promise<void>;
}

/** An Error shaped like Node's system errors, so callers test `code` the same way for both. */
export function fileError(code: string, syscall: string, path: string, message?: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${message ?? syscall} '${path}'`);
  error.code = code;
  error.syscall = syscall;
  error.path = path;
  return error;
}

export function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string') {
    return (error as NodeJS.ErrnoException).code;
  }
  return undefined;
}

/** Reads exactly `length` bytes unless the file ends first; returns bytes read. */
export async function readFully(file: WalFile, target: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await file.read(target, offset + done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

/** Writes all bytes, continuing after short writes. */
export async function writeFully(file: WalFile, source: Uint8Array, offset: number, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const n = await file.write(source, offset + done, length - done, position + done);
    if (n <= 0) throw new Error(`write made no progress at position ${position + done}`);
    done += n;
  }
}
