import * as fs from 'node:fs';
import type { FileLayer, OpenMode, WalFile } from './file-layer';

// Uses the callback fd API (not FileHandle) for the least overhead per write and fdatasync.

function promised<T>(run: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
}

function promisedVoid(run: (done: (error: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
}

const FLAGS: Record<OpenMode, string> = { read: 'r', write: 'r+', create: 'wx+' };

class NodeWalFile implements WalFile {
  constructor(private readonly fd: number) {}

  write(source: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return promised<number>((done) => fs.write(this.fd, source, offset, length, position, done));
  }

  read(target: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return promised<number>((done) => fs.read(this.fd, target, offset, length, position, done));
  }

  sync(): Promise<void> {
    return promisedVoid((done) => fs.fdatasync(this.fd, done));
  }

  truncate(length: number): Promise<void> {
    return promisedVoid((done) => fs.ftruncate(this.fd, length, done));
  }

  async size(): Promise<number> {
    const stats = await promised<fs.Stats>((done) => fs.fstat(this.fd, done));
    return stats.size;
  }

  close(): Promise<void> {
    return promisedVoid((done) => fs.close(this.fd, done));
  }
}

export class NodeFileLayer implements FileLayer {
  async open(path: string, mode: OpenMode): Promise<WalFile> {
    const fd = await promised<number>((done) => fs.open(path, FLAGS[mode], 0o644, done));
    return new NodeWalFile(fd);
  }

  list(dir: string): Promise<string[]> {
    return fs.promises.readdir(dir);
  }

  unlink(path: string): Promise<void> {
    return fs.promises.unlink(path);
  }

  rename(from: string, to: string): Promise<void> {
    return fs.promises.rename(from, to);
  }

  async mkdirp(dir: string): Promise<void> {
    await fs.promises.mkdir(dir, { recursive: true });
  }

  async syncDir(dir: string): Promise<void> {
    const fd = await promised<number>((done) => fs.open(dir, 'r', done));
    try {
      await promisedVoid((done) => fs.fsync(fd, done));
    } finally {
      await promisedVoid((done) => fs.close(fd, done));
    }
  }
}
