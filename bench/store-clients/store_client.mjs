// The "store client alone" baseline of bench/artifacts_bench.py for GCS and Azure Blob: moves one file to or from
// the store with the store's own SDK, as a client logging artifacts with --no-serve-artifacts would (MLflow's Python
// client uses google-cloud-storage and azure-storage-blob, which this machine cannot install; the Node SDKs are the
// same vendors' clients for the same APIs).
//
//   node store_client.mjs gcs   up|down FILE BUCKET KEY         (STORAGE_EMULATOR_HOST=host:port)
//   node store_client.mjs azure up|down FILE CONTAINER KEY      (AZURE_STORAGE_CONNECTION_STRING=...)
//   node store_client.mjs gcs|azure mkbucket - BUCKET -
//   node store_client.mjs gcs|azure delete - BUCKET KEY
//
// Uploads use each SDK's default large-file path (GCS: a resumable upload in 8 MiB chunks, as the proxy sends; Azure: staged
// blocks, several in flight); downloads stream into a sink that discards the bytes.
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

const [store, op, file, bucket, key] = process.argv.slice(2);
const sink = () => new Writable({ write(_chunk, _enc, done) { done(); } });

async function gcs() {
  // The SDK reads the emulator's address from the environment, with a scheme (the .NET and Python SDKs take host:port).
  const host = process.env.STORAGE_EMULATOR_HOST;
  if (host && !host.includes("://")) process.env.STORAGE_EMULATOR_HOST = `http://${host}`;
  const { Storage } = await import("@google-cloud/storage");
  const storage = new Storage({ projectId: "bench" });
  const b = storage.bucket(bucket);
  switch (op) {
    case "mkbucket": return void (await storage.createBucket(bucket).catch((e) => { if (e.code !== 409) throw e; }));
    case "up": return void (await b.upload(file, { destination: key, resumable: true, chunkSize: 8 * 1024 * 1024, validation: false }));
    case "down": return pipeline(b.file(key).createReadStream({ validation: false }), sink());
    case "delete": return void (await b.file(key).delete({ ignoreNotFound: true }));
  }
  throw new Error(`unknown op ${op}`);
}

async function azure() {
  const { BlobServiceClient } = await import("@azure/storage-blob");
  const service = BlobServiceClient.fromConnectionString(process.env.AZURE_STORAGE_CONNECTION_STRING);
  const container = service.getContainerClient(bucket);
  switch (op) {
    case "mkbucket": return void (await container.createIfNotExists());
    case "up": return void (await container.getBlockBlobClient(key).uploadFile(file, { blockSize: 8 * 1024 * 1024, concurrency: 8 }));
    case "down": return pipeline((await container.getBlobClient(key).download()).readableStreamBody, sink());
    case "delete": return void (await container.getBlobClient(key).deleteIfExists());
  }
  throw new Error(`unknown op ${op}`);
}

await (store === "gcs" ? gcs() : store === "azure" ? azure() : Promise.reject(new Error(`unknown store ${store}`)));
