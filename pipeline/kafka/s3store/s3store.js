// The embedded broker's local object store: s3rver (file-backed S3), started by pipeline/kafka/_store.py.
//
//   node s3store.js DIRECTORY ADDRESS PORT BUCKET
//
// Serves DIRECTORY over the S3 API on ADDRESS:PORT and creates BUCKET if it is missing. One adjustment to
// s3rver 3.7.1: object listings report each object's modification time to the nanosecond instead of the
// whole second. Tansu's s3 storage answers a partition's end offset (ListOffsets, latest) with the record
// batch object whose LastModified is latest, the first in key order among equals; with whole seconds, every
// batch written in the partition's last second but the first is left out, and end offsets come out low.
// Objects of one listing with equal times are ordered by key (1 ns apart), the order their batches were written.
'use strict';

const fs = require('fs');
const path = require('path');

const S3rver = require('s3rver');
const FilesystemStore = require('s3rver/lib/stores/filesystem');
const S3Object = require('s3rver/lib/models/object');

class PreciseDate extends Date {
  constructor(ns) {
    super(Number(ns / 1000000n));
    this.ns = ns;
  }

  toISOString() {
    const fraction = String(this.ns % 1000000000n).padStart(9, '0');
    return `${super.toISOString().slice(0, 19)}.${fraction}Z`;
  }
}

const listObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function (bucket, options) {
  const result = await listObjects.call(this, bucket, options);
  let previous = -1n;
  for (const object of result.objects) {
    try {
      const stat = await fs.promises.stat(this.getResourcePath(bucket, object.key, 'object'), { bigint: true });
      let ns = stat.mtimeNs;
      if (ns <= previous && previous - ns < 1000000n) ns = previous + 1n; // equal within the clock's tick
      object.mtimeNs = ns;
      previous = ns;
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  return result;
};

Object.defineProperty(S3Object.prototype, 'lastModifiedDate', {
  get() {
    return this.mtimeNs === undefined ? new Date(this.metadata['last-modified']) : new PreciseDate(this.mtimeNs);
  },
});

async function main() {
  const [directory, address, port, bucket] = process.argv.slice(2);
  if (!bucket) {
    process.stderr.write('usage: node s3store.js DIRECTORY ADDRESS PORT BUCKET\n');
    process.exit(2);
  }
  fs.mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    directory: path.resolve(directory),
    address,
    port: Number(port),
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { address: host, port: bound } = await server.run();
  process.stdout.write(`s3rver listening on ${host}:${bound}, bucket ${bucket}, directory ${directory}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(err => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
