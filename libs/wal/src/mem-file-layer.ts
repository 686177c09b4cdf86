import * as path from 'node:path';
import { fileError, type FileLayer, type OpenMode, type WalFile } from './file-layer';

/** One in-memory file's bytes; shared by every handle opened on it, like an inode. */
class MemInode {
  bytes = Buffer.alloc(0);
  size = 0;

  ensureCapacity(capacity: number): void {
    if (capacity <= this.bytes.length) return;
    const grown = Buffer.alloc(Math.max(capacity, this.bytes.length * 2, 4096));
    this.bytes.copy(grown, 0, 0, this.size);
    this.bytes = grown;
  }
}

class MemWalFile implements WalFile {
  private closed = false;

  constructor(
    private readonly inode: MemInode,
    private readonly filePath: string,
    private readonly writable: boolean,
  ) {}

  private check(syscall: string): void {
    if (this.closed) throw fileError('EBADF', syscall, this.filePath, 'file is closed');
  }

  async write(source: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    this.check('write');
    if (!this.writable) throw fileError('EBADF', 'write', this.filePath, 'opened read only');
    const end = position + length;
    this.inode.ensureCapacity(end);
    if (position > this.inode.size) this.inode.bytes.fill(0, this.inode.size, position);
    this.inode.bytes.set(source.subarray(offset, offset + length), position);
    this.inode.size = Math.max(this.inode.size, end);
    return length;
  }

  async read(target: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    this.check('read');
    const available = Math.max(0, Math.min(length, this.inode.size - position));
    target.set(this.inode.bytes.subarray(position, position + available), offset);
    return available;
  }

  async sync(): Promise<void> {
    this.check('fdatasync');
  }

  async truncate(length: number): Promise<void> {
    this.check('ftruncate');
    this.inode.ensureCapacity(length);
    if (length > this.inode.size) this.inode.bytes.fill(0, this.inode.size, length);
    this.inode.size = length;
  }

  async size(): Promise<number> {
    this.check('fstat');
    return this.inode.size;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A file system in memory: fast, deterministic tests and simulations. */
export class MemFileLayer implements FileLayer {
  private readonly files = new Map<string, MemInode>();
  private readonly dirs = new Set<string>();

  async open(filePath: string, mode: OpenMode): Promise<WalFile> {
    const key = path.resolve(filePath);
    let inode = this.files.get(key);
    if (mode === 'create') {
      if (inode) throw fileError('EEXIST', 'open', filePath);
      if (!this.dirs.has(path.dirname(key))) throw fileError('ENOENT', 'open', filePath);
      inode = new MemInode();
      this.files.set(key, inode);
    } else if (!inode) {
      throw fileError('ENOENT', 'open', filePath);
    }
    return new MemWalFile(inode, key, mode !== 'read');
  }

  async list(dir: string): Promise<string[]> {
    const key = path.resolve(dir);
    if (!this.dirs.has(key)) throw fileError('ENOENT', 'scandir', dir);
    return [...this.files.keys()].filter((f) => path.dirname(f) === key).map((f) => path.basename(f));
  }

  async unlink(filePath: string): Promise<void> {
    if (!this.files.delete(path.resolve(filePath))) throw fileError('ENOENT', 'unlink', filePath);
  }

  async rename(from: string, to: string): Promise<void> {
    const inode = this.files.get(path.resolve(from));
    if (!inode) throw fileError('ENOENT', 'rename', from);
    this.files.delete(path.resolve(from));
    this.files.set(path.resolve(to), inode);
  }

  async mkdirp(dir: string): Promise<void> {
    for (let d = path.resolve(dir); !this.dirs.has(d); d = path.dirname(d)) {
      this.dirs.add(d);
      if (d === path.dirname(d)) break;
    }
  }

  async syncDir(dir: string): Promise<void> {
    if (!this.dirs.has(path.resolve(dir))) throw fileError('ENOENT', 'fsync', dir);
  }

  /** Direct access for tests that corrupt bytes. */
  bytesOf(filePath: string): Buffer | undefined {
    const inode = this.files.get(path.resolve(filePath));
    return inode ? inode.bytes.subarray(0, inode.size) : undefined;
  }
}
