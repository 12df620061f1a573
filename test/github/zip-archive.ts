/** Zip archives for the artifact tests: made with yazl, read with yauzl. */
import { fromBuffer, type Entry, type ZipFile as ZipReader } from 'yauzl';
import { ZipFile } from 'yazl';

/** A deflated zip archive of `entries` (name to content), as an artifact's archive is. */
export async function zipArchive(entries: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name, { compress: true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file in the zip `archive`, name to UTF-8 text. */
export async function zipEntries(archive: Buffer): Promise<Record<string, string>> {
  const zip = await new Promise<ZipReader>((resolve, reject) => fromBuffer(archive, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))));
  const files: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          files[entry.fileName] = Buffer.concat(chunks).toString('utf8');
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}
