// Writes www/pkg/version.txt: a hash of every file in www/files.json, so the
// offline service worker can tell a new build from the one it keeps and
// replace its copy as a whole. Run by `make build`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = join(dirname(fileURLToPath(import.meta.url)), '..', 'www');
const list = JSON.parse(readFileSync(join(www, 'files.json'), 'utf8'));
const hash = createHash('sha256');
for (const f of ['files.json', ...list.page, ...list.element]) {
  if (f === './') continue;
  hash.update(f).update('\0').update(readFileSync(join(www, f)));
}
writeFileSync(join(www, 'pkg', 'version.txt'), `${hash.digest('hex').slice(0, 16)}\n`);
