// The PNG text chunk that carries a result's settings: written, read back,
// and still a valid PNG that decodes to the same pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { withTextChunk, readTextChunk, isPng } from '../www/png-meta.js';

test('settings survive a round trip through a PNG text chunk', () => {
  const png = new PNG({ width: 3, height: 2 });
  png.data.fill(120);
  const bytes = PNG.sync.write(png);
  const text = JSON.stringify({ settings: { densityPerCm2: 90, mode: 'full' }, disclaimer: 'Simulation – résultats variables' });
  const tagged = withTextChunk(bytes, 'smp-visualiser', text);
  assert.ok(isPng(tagged));
  assert.deepEqual(JSON.parse(readTextChunk(tagged, 'smp-visualiser')), JSON.parse(text));
  assert.equal(readTextChunk(tagged, 'other'), null);
  assert.equal(readTextChunk(bytes, 'smp-visualiser'), null);
  // pngjs checks every chunk's CRC: the tagged file still decodes, same pixels.
  const decoded = PNG.sync.read(Buffer.from(tagged));
  assert.deepEqual([...decoded.data], [...png.data]);
  assert.throws(() => withTextChunk(new Uint8Array([1, 2, 3]), 'k', 'v'));
});
